import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { openStore } from "../../store/open-store.js";
import type { LlmAnswer, LlmAsk, LlmBridge } from "./llm-bridge.js";
import { renderMarketPrompt } from "./market-prompt.js";
import { type LlmReplayStore, MemoryReplayStore, ReplayCacheBridge, replayKey } from "./replay-cache.js";

const schema = z.object({ action: z.enum(["BUY", "SELL", "HOLD"]), confidence: z.number().min(0).max(1) });
const SYSTEM = "You advise on one proposed trade. Answer JSON {action, confidence}.";

/** A model with a seeded mood: answers vary bar to bar, and some are failures (a timeout, junk). */
function moodyModel(seed: number): LlmBridge & { calls: number } {
  let state = seed;
  const bridge = {
    calls: 0,
    enabled: () => true,
    status: () => [{ role: "advisor" as const, enabled: true, model: "qwen2.5:7b", healthy: true }],
    async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
      bridge.calls++;
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      const roll = state % 10;
      if (roll === 0) return { ok: false, failure: "timeout", detail: "advisor: no answer within 30 s" };
      if (roll === 1) return { ok: false, failure: "invalid", detail: "advisor: answer is not JSON: 'BUY!!!'" };
      const value = request.schema.parse({ action: roll < 6 ? "BUY" : "HOLD", confidence: (state % 100) / 100 });
      return { ok: true, value, model: "qwen2.5:7b", latencyMs: 40 + roll, contaminated: false, replayed: false };
    },
  };
  return bridge;
}

/** A closed-loop stand-in for a session: the advisor may veto a rule's BUY; a failure means no vote (the rule stands). */
async function decide(bridge: LlmBridge, masked: boolean): Promise<string[]> {
  const n = 120;
  const close = Array.from({ length: n }, (_, i) => 100 + 5 * Math.sin(i / 7) + i * 0.05);
  const candles = {
    time: close.map((_, i) => Date.UTC(2025, 0, 1) + i * 3_600_000),
    open: close.map((c, i) => close[i - 1] ?? c),
    high: close.map((c) => c + 0.5),
    low: close.map((c) => c - 0.5),
    close,
    volume: close.map((_, i) => 10 + (i % 5)),
  };
  const decisions: string[] = [];
  for (let i = 24; i < n; i++) {
    const rule = (close[i] as number) > (close[i - 5] as number) ? "BUY" : "HOLD";
    if (rule === "HOLD") {
      decisions.push(`${i} HOLD`);
      continue;
    }
    const user = renderMarketPrompt({ symbol: "BTC/USDT", timeframe: "1h", candles, end: i, masked });
    const answer = await bridge.ask({
      role: "advisor",
      system: SYSTEM,
      user,
      schema,
      schemaName: "advice",
      asOf: candles.time[i] as number,
    });
    const vetoed = answer.ok && answer.value.action === "HOLD" && answer.value.confidence > 0.3;
    decisions.push(`${i} ${vetoed ? "HOLD (veto)" : "BUY"} ${answer.ok ? answer.value.confidence : answer.failure}`);
  }
  return decisions;
}

const refusingInner: LlmBridge = {
  enabled: () => true,
  status: () => [],
  ask: () => {
    throw new Error("replay called the live model");
  },
};

describe("ReplayCacheBridge", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("a run recorded in paper trading and replayed from the store gives identical decisions without a live call", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-replay-"));
    dirs.push(dir);
    const location = `sqlite:${join(dir, "aegis.sqlite")}`;
    const paper = await openStore(location);
    const model = moodyModel(3);
    const recorded = await decide(
      new ReplayCacheBridge(model, { mode: "record", store: paper.llmReplay, now: () => 0 }),
      true,
    );
    const recordedCount = await paper.llmReplay.count();
    await paper.close();
    expect(recorded.some((d) => d.includes("veto"))).toBe(true);
    expect(recorded.some((d) => d.endsWith("timeout"))).toBe(true);

    const backtest = await openStore(location);
    const replay = new ReplayCacheBridge(refusingInner, {
      mode: "replay",
      store: backtest.llmReplay,
      modelOf: () => "qwen2.5:7b",
    });
    expect(await decide(replay, true)).toEqual(recorded);
    expect(replay.hits).toBe(model.calls);
    expect(replay.hits).toBe(recordedCount);
    expect(replay.misses).toBe(0);
    await backtest.close();
  });

  it("a question that was not recorded is a replay-miss, never a live call", async () => {
    const store = new MemoryReplayStore();
    await decide(new ReplayCacheBridge(moodyModel(5), { mode: "record", store }), true);
    const replay = new ReplayCacheBridge(undefined, { mode: "replay", store, modelOf: () => "qwen2.5:7b" });
    // The unmasked prompt is another question: every one misses.
    const decisions = await decide(replay, false);
    expect(replay.hits).toBe(0);
    const asked = decisions.filter((d) => !d.endsWith("HOLD"));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((d) => d.endsWith("BUY replay-miss"))).toBe(true);
    const miss = await replay.ask({
      role: "advisor",
      system: SYSTEM,
      user: "new",
      schema,
      schemaName: "advice",
      asOf: 0,
    });
    expect(miss).toMatchObject({ ok: false, failure: "replay-miss" });
    expect(!miss.ok && miss.detail).toMatch(
      /^advisor: no recorded answer of qwen2\.5:7b for this prompt \(key [0-9a-f]{12}…, bar 1970-01-01T00:00:00\.000Z\); replay never asks a live model$/,
    );
  });

  it("keys on role, model, system, user and schema name", () => {
    const base = { role: "advisor", model: "m", system: "s", user: "u", schemaName: "n" } as const;
    const key = replayKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    for (const change of [
      { role: "auditor" },
      { model: "m2" },
      { system: "s2" },
      { user: "u2" },
      { schemaName: "n2" },
    ] as const) {
      expect(replayKey({ ...base, ...change })).not.toBe(key);
    }
  });

  it("re-validates a recorded value against the schema: an edited cache is not trusted", async () => {
    const store: LlmReplayStore = new MemoryReplayStore();
    const key = replayKey({ role: "advisor", model: "m", system: "s", user: "u", schemaName: "advice" });
    await store.put({
      key,
      role: "advisor",
      model: "m",
      schemaName: "advice",
      asOf: 0,
      recordedAt: 0,
      outcome: { ok: true, value: { action: "BUY", confidence: 7 }, model: "m", latencyMs: 1 },
    });
    const replay = new ReplayCacheBridge(undefined, { mode: "replay", store, modelOf: () => "m" });
    const answer = await replay.ask({ role: "advisor", system: "s", user: "u", schema, schemaName: "advice", asOf: 0 });
    expect(answer).toMatchObject({ ok: false, failure: "invalid" });
  });

  it("recording needs a model to ask", () => {
    expect(() => new ReplayCacheBridge(undefined, { mode: "record", store: new MemoryReplayStore() })).toThrow(
      "LLM replay cache: recording needs a bridge to a model",
    );
  });
});
