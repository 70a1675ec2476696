import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ContaminationGuard,
  ContaminationLedger,
  labelContamination,
  parseTrainingCutoff,
} from "./contamination-guard.js";
import type { LlmAnswer, LlmAsk, LlmBridge } from "./llm-bridge.js";

const schema = z.object({ action: z.enum(["BUY", "SELL", "HOLD"]) });

function fakeBridge(model = "llama3.1:8b"): LlmBridge & { calls: number } {
  const bridge = {
    calls: 0,
    enabled: () => true,
    status: () => [{ role: "advisor" as const, enabled: true, model, healthy: true }],
    async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
      bridge.calls++;
      return {
        ok: true,
        value: request.schema.parse({ action: "BUY" }),
        model,
        latencyMs: 5,
        contaminated: false,
        replayed: false,
      };
    },
  };
  return bridge;
}

const ask = (asOf: number): LlmAsk<z.infer<typeof schema>> => ({
  role: "advisor",
  system: "s",
  user: "u",
  schema,
  schemaName: "vote",
  asOf,
});
const cutoff = parseTrainingCutoff("2023-12");

describe("parseTrainingCutoff", () => {
  it("reads a month or a day as its end, and an ISO instant as itself", () => {
    expect(parseTrainingCutoff("2023-12")).toBe(Date.UTC(2024, 0, 1) - 1);
    expect(parseTrainingCutoff("2024-02-29")).toBe(Date.UTC(2024, 2, 1) - 1);
    expect(parseTrainingCutoff("2024-03-01T12:00:00Z")).toBe(Date.UTC(2024, 2, 1, 12));
  });
  it("names a cutoff it cannot read", () => {
    expect(() => parseTrainingCutoff("last spring")).toThrow(
      'training cutoff "last spring" is not YYYY-MM, YYYY-MM-DD or an ISO instant',
    );
    expect(() => parseTrainingCutoff("2024-13")).toThrow(RangeError);
  });
});

describe("ContaminationGuard", () => {
  it("refuses a bar before the model's cutoff without calling the model", async () => {
    const inner = fakeBridge();
    const guard = new ContaminationGuard(inner, { cutoffs: { "llama3.1:8b": cutoff } });
    const answer = await guard.ask(ask(Date.UTC(2023, 5, 1)));
    expect(answer).toEqual({
      ok: false,
      failure: "contaminated",
      detail:
        "advisor: bar 2023-06-01T00:00:00.000Z is before llama3.1:8b's training cutoff 2023-12-31; the model may remember it (only a forced run may ask, and its results are labelled)",
    });
    expect(inner.calls).toBe(0);
    expect(guard.ledger.refused).toBe(1);
    expect(guard.ledger.label()).toBeUndefined();
  });

  it("passes a bar after the cutoff, unlabelled", async () => {
    const guard = new ContaminationGuard(fakeBridge(), { cutoffs: { "llama3.1:8b": cutoff } });
    expect(await guard.ask(ask(Date.UTC(2024, 5, 1)))).toMatchObject({ ok: true, contaminated: false });
    expect(guard.ledger.contaminated).toBe(false);
  });

  it("forced: answers pass, each labelled contaminated, and the run's summary says so", async () => {
    const guard = new ContaminationGuard(fakeBridge(), { cutoffs: { "llama3.1:8b": cutoff }, force: true });
    expect(await guard.ask(ask(Date.UTC(2023, 5, 1)))).toMatchObject({ ok: true, contaminated: true });
    expect(await guard.ask(ask(Date.UTC(2023, 6, 2)))).toMatchObject({ ok: true, contaminated: true });
    expect(await guard.ask(ask(Date.UTC(2024, 6, 2)))).toMatchObject({ ok: true, contaminated: false });
    const summary = labelContamination({ trades: 3 }, guard.ledger);
    expect(summary.contamination).toMatchObject({
      contaminated: true,
      answers: 2,
      firstBar: "2023-06-01",
      lastBar: "2023-07-02",
    });
    expect(summary.contamination?.text).toBe(
      "CONTAMINATED: 2 LLM answer(s) about bars from 2023-06-01 to 2023-07-02, before the training cutoff of llama3.1:8b (cutoff 2023-12-31); the model may remember these prices, so these results overstate what it can do (forced by the user)",
    );
    expect(labelContamination({ trades: 3 }, new ContaminationLedger())).toEqual({ trades: 3 });
  });

  it("refuses a model that declares no cutoff, even when forced", async () => {
    const guard = new ContaminationGuard(fakeBridge("mystery"), { cutoffs: {}, force: true });
    const answer = await guard.ask(ask(Date.UTC(2025, 0, 1)));
    expect(answer).toMatchObject({ ok: false, failure: "contaminated" });
    expect(!answer.ok && answer.detail).toContain("model mystery declares no training cutoff");
  });
});
