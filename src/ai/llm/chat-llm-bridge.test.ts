import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LlmAsk } from "./llm-bridge.js";
import { bridgeOn, until } from "./testing/bridge-fixture.js";
import { LlmWireServer, reply } from "./testing/llm-wire-server.js";

const verdict = z.object({ action: z.enum(["buy", "sell", "hold"]), confidence: z.number().min(0).max(1) }).strict();
const ask = (extra: Partial<LlmAsk<z.infer<typeof verdict>>> = {}): LlmAsk<z.infer<typeof verdict>> => ({
  role: "advisor",
  system: "You advise on trades.",
  user: "BTC/USDT, last close 100",
  schema: verdict,
  schemaName: "verdict",
  asOf: 0,
  decisionKey: "paper|sma|BTC/USDT|1",
  ...extra,
});

let server: LlmWireServer;
afterEach(async () => {
  await server?.close();
});

describe("the chat bridge: structured answers", () => {
  it("returns a validated value, sends the JSON schema, and records prompt, answer, tokens, cost and decision key", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "hold", confidence: 0.4 }, { promptTokens: 1000, completionTokens: 500 }));
    const { bridge, recorder } = bridgeOn(server, "advisor", {
      costPer1kPromptUsd: 0.002,
      costPer1kCompletionUsd: 0.01,
    });
    const answer = await bridge.ask(ask());
    expect(answer).toMatchObject({ ok: true, value: { action: "hold", confidence: 0.4 }, model: "test-model" });
    const format = server.requests[0]?.body.response_format as { type: string; json_schema: { schema: unknown } };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.schema).toMatchObject({ properties: { action: { enum: ["buy", "sell", "hold"] } } });
    expect(recorder.exchanges).toHaveLength(1);
    expect(recorder.exchanges[0]).toMatchObject({
      role: "advisor",
      model: "test-model",
      response: '{"action":"hold","confidence":0.4}',
      promptTokens: 1000,
      completionTokens: 500,
      costUsd: 0.007,
      decisionKey: "paper|sma|BTC/USDT|1",
    });
    expect(recorder.exchanges[0]?.prompt).toContain("[user]\nBTC/USDT, last close 100");
    expect(answer.ok && answer.exchangeId).toBe(1);
  });

  it("reads an answer in a ```json fence after a <think> block", async () => {
    server = await LlmWireServer.start();
    server.enqueue(
      reply.text('<think>maybe {"action":"buy"}?</think>\n```json\n{"action":"sell","confidence":0.6}\n```'),
    );
    const { bridge } = bridgeOn(server, "advisor");
    expect(await bridge.ask(ask())).toMatchObject({ ok: true, value: { action: "sell", confidence: 0.6 } });
  });

  it("repairs a malformed answer once, sending back what was wrong", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "buy", confidence: 7 }), reply.json({ action: "buy", confidence: 0.7 }));
    const { bridge, recorder } = bridgeOn(server, "advisor");
    expect(await bridge.ask(ask())).toMatchObject({ ok: true, value: { confidence: 0.7 } });
    expect(server.userPrompt(1)).toContain("That answer cannot be used: answer does not match the schema: confidence:");
    expect(server.requests[1]?.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(recorder.exchanges).toHaveLength(2);
  });

  it("fails 'invalid' with a clear detail after one repair: confidence 7, BUY!!!, junk", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "buy", confidence: 7 }), reply.text("BUY!!!"));
    const { bridge } = bridgeOn(server, "advisor");
    const answer = await bridge.ask(ask());
    expect(answer).toMatchObject({ ok: false, failure: "invalid" });
    expect(!answer.ok && answer.detail).toBe(
      'advisor: answer is not JSON: "BUY!!!" (after one repair; first: answer does not match the schema: confidence: Too big: expected number to be <=1)',
    );
    server.enqueue(reply.text("{not json at all"), reply.text("\u0000\u0001 garbage"));
    expect(await bridge.ask(ask())).toMatchObject({ ok: false, failure: "invalid" });
    expect(server.requests).toHaveLength(4);
  });

  it("counts a structured or worded refusal as 'refused' without a repair attempt", async () => {
    server = await LlmWireServer.start();
    server.enqueue(
      reply.refusal("I can't give financial advice."),
      reply.text("I'm sorry, I cannot help with trading."),
    );
    const { bridge, recorder } = bridgeOn(server, "advisor");
    expect(await bridge.ask(ask())).toMatchObject({ ok: false, failure: "refused" });
    expect(await bridge.ask(ask())).toMatchObject({ ok: false, failure: "refused" });
    expect(server.requests).toHaveLength(2);
    expect(recorder.exchanges[0]?.response).toBe("[refusal] I can't give financial advice.");
  });

  it("steps down from JSON schema to JSON mode when the server refuses the schema, and remembers it", async () => {
    server = await LlmWireServer.start({ rejectResponseFormats: ["json_schema"] });
    server.respond(() => reply.json({ action: "hold", confidence: 1 }));
    const { bridge } = bridgeOn(server, "advisor");
    expect(await bridge.ask(ask())).toMatchObject({ ok: true });
    expect(await bridge.ask(ask())).toMatchObject({ ok: true });
    const formats = server.requests.map((r) => (r.body.response_format as { type: string }).type);
    expect(formats).toEqual(["json_schema", "json_object", "json_object"]);
  });

  it("streams over SSE when the role says stream", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "sell", confidence: 0.3 }, { promptTokens: 9, completionTokens: 4 }));
    const { bridge, recorder } = bridgeOn(server, "advisor", { stream: true });
    expect(await bridge.ask(ask())).toMatchObject({ ok: true, value: { action: "sell" } });
    expect(server.requests[0]?.stream).toBe(true);
    expect(recorder.exchanges[0]).toMatchObject({ promptTokens: 9, completionTokens: 4 });
  });

  it("speaks Ollama's native API with a JSON schema in format and keep_alive, streamed or not", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "buy", confidence: 0.5 }), reply.json({ action: "hold", confidence: 0.2 }));
    const { bridge, recorder } = bridgeOn(server, "auditor", { provider: "ollama-native", keepAlive: "30m" });
    expect(await bridge.ask(ask({ role: "auditor" }))).toMatchObject({ ok: true, value: { action: "buy" } });
    const body = server.requests[0]?.body ?? {};
    expect(server.requests[0]?.api).toBe("ollama");
    expect(body.keep_alive).toBe("30m");
    expect(body.stream).toBe(false);
    expect(body.format).toMatchObject({ type: "object", properties: { confidence: { type: "number" } } });
    expect(body.options).toEqual({ temperature: 0.2, num_predict: 1024 });
    expect(recorder.exchanges[0]?.completionTokens).toBeGreaterThan(0);
    const streamed = bridgeOn(server, "auditor", { provider: "ollama-native", stream: true });
    expect(await streamed.bridge.ask(ask({ role: "auditor" }))).toMatchObject({ ok: true, value: { action: "hold" } });
  });
});

describe("the chat bridge: fail-safe", () => {
  it("is off for a role with no model, and says so in its status", async () => {
    server = await LlmWireServer.start();
    const { bridge } = bridgeOn(server, "advisor");
    expect(await bridge.ask(ask({ role: "auditor" }))).toEqual({
      ok: false,
      failure: "off",
      detail: "auditor: no model configured",
    });
    expect(bridge.enabled("auditor")).toBe(false);
    expect(bridge.status().find((s) => s.role === "auditor")).toEqual({
      role: "auditor",
      enabled: false,
      healthy: true,
    });
    expect(server.requests).toHaveLength(0);
  });

  it("retries a 429 after its Retry-After and a reset connection, then answers", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.status(429, 3), reply.reset(), reply.json({ action: "hold", confidence: 1 }));
    const { bridge, sleeps, changes, recorder } = bridgeOn(server, "advisor", {}, { retryBaseMs: 500 });
    expect(await bridge.ask(ask())).toMatchObject({ ok: true });
    expect(sleeps).toEqual([3000, 1000]);
    expect(changes).toEqual([]);
    expect(recorder.exchanges).toHaveLength(1);
  });

  it("goes down after the retries, fails fast while backing off, alerts once, and recovers on one good answer", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.status(500), reply.status(502), reply.status(503));
    const { bridge, clock, changes, recorder } = bridgeOn(
      server,
      "advisor",
      { maxRetries: 2 },
      { backoff: { baseMs: 10_000, capMs: 40_000 } },
    );
    const down = await bridge.ask(ask());
    expect(down).toMatchObject({ ok: false, failure: "down" });
    expect(!down.ok && down.detail).toMatch(/^advisor: HTTP 503: .* \(after 2 retries\)$/);
    expect(recorder.exchanges[0]?.error).toMatch(/^down: advisor: HTTP 503/);
    const status = bridge.status().find((s) => s.role === "advisor");
    expect(status).toMatchObject({ enabled: true, healthy: false, retryAt: clock.now + 10_000 });
    const fast = await bridge.ask(ask());
    expect(fast).toMatchObject({ ok: false, failure: "down" });
    expect(!fast.ok && fast.detail).toContain("backing off until");
    expect(server.requests).toHaveLength(3);
    // The probe after the wait fails: the wait doubles.
    clock.now += 10_000;
    server.enqueue(reply.status(500), reply.status(500), reply.status(500));
    await bridge.ask(ask());
    expect(bridge.status()[0]?.retryAt).toBe(clock.now + 20_000);
    clock.now += 20_000;
    server.enqueue(reply.json({ action: "hold", confidence: 0.9 }));
    expect(await bridge.ask(ask())).toMatchObject({ ok: true });
    expect(bridge.status()[0]).toMatchObject({ healthy: true });
    expect(bridge.status()[0]?.retryAt).toBeUndefined();
    expect(changes.map((c) => [c.role, c.healthy])).toEqual([
      ["advisor", false],
      ["advisor", true],
    ]);
  });

  it("ends a hung request at the timeout as 'timeout', and the role backs off", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.hang());
    const { bridge, fireTimeout, changes } = bridgeOn(server, "advisor", { timeoutSeconds: 5 });
    const pending = bridge.ask(ask());
    await until(() => server.requests.length === 1);
    fireTimeout();
    expect(await pending).toEqual({
      ok: false,
      failure: "timeout",
      detail: "advisor: no answer within 5 s",
      exchangeId: 1,
    });
    expect(changes).toHaveLength(1);
  });

  it("stops waiting when the caller's signal fires, without marking the endpoint down", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.hang());
    const { bridge, changes } = bridgeOn(server, "advisor");
    const abort = new AbortController();
    const pending = bridge.ask(ask({ signal: abort.signal }));
    await until(() => server.requests.length === 1);
    abort.abort();
    expect(await pending).toMatchObject({ ok: false, failure: "aborted" });
    expect(changes).toEqual([]);
    expect(bridge.status()[0]?.healthy).toBe(true);
  });

  it("fails 'rate-limited' when the server asks to wait longer than the retry cap", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.status(429, 120));
    const { bridge, clock, sleeps } = bridgeOn(server, "advisor", {}, { retryCapMs: 30_000 });
    expect(await bridge.ask(ask())).toMatchObject({ ok: false, failure: "rate-limited" });
    expect(sleeps).toEqual([]);
    expect(bridge.status()[0]?.retryAt).toBe(clock.now + 120_000);
  });

  it("goes on answering when the recorder fails, and reports the recorder's error", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "hold", confidence: 1 }));
    const errors: unknown[] = [];
    const { bridge } = bridgeOn(
      server,
      "advisor",
      {},
      {
        recorder: { record: () => Promise.reject(new Error("disk full")) },
        onRecordError: (e) => errors.push(e),
      },
    );
    expect(await bridge.ask(ask())).toMatchObject({ ok: true });
    expect(errors.map((e) => (e as Error).message)).toEqual(["disk full"]);
  });
});
