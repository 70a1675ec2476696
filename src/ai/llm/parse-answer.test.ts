import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseAnswer } from "./parse-answer.js";
import { RoleHealth } from "./role-health.js";

const schema = z.object({ action: z.enum(["buy", "hold"]), confidence: z.number().min(0).max(1) }).strict();

describe("reading a model's answer", () => {
  it("takes the JSON object out of a chatty answer", () => {
    expect(parseAnswer('Sure! Here it is: {"action":"buy","confidence":0.5} Hope that helps.', schema)).toEqual({
      ok: true,
      value: { action: "buy", confidence: 0.5 },
    });
  });

  it("ignores JSON inside a <think> block, and an unclosed one leaves nothing", () => {
    expect(parseAnswer('<think>{"action":"buy","confidence":1}', schema)).toMatchObject({ ok: false, kind: "invalid" });
    expect(parseAnswer('<THINK>{"action":"buy"}</THINK>{"action":"hold","confidence":0}', schema)).toMatchObject({
      ok: true,
      value: { action: "hold" },
    });
  });

  it("names the wrong fields, an unknown key, and text that is no JSON", () => {
    const wrong = parseAnswer('{"action":"BUY!!!","confidence":7,"extra":1}', schema);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.detail).toMatch(
      /^answer does not match the schema: action: .*; confidence: .*; \(root\): /,
    );
    expect(parseAnswer("", schema)).toEqual({ ok: false, kind: "invalid", detail: 'answer is not JSON: ""' });
    expect(parseAnswer("As an AI language model I cannot predict prices.", schema)).toMatchObject({ kind: "refused" });
  });
});

describe("a role's backoff", () => {
  it("doubles from the base to the cap, takes a longer Retry-After, and resets on success", () => {
    const health = new RoleHealth({ baseMs: 1000, capMs: 4000 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      health.failed(0, "x");
      waits.push(health.retryAt as number);
    }
    expect(waits).toEqual([1000, 2000, 4000, 4000]);
    health.succeeded(0);
    health.failed(0, "x", 3000);
    expect(health.retryAt).toBe(3000);
    expect(health.backingOff(2999)).toBe(true);
    expect(health.backingOff(3000)).toBe(false);
  });
});
