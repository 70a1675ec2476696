import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { loadCsv } from "../../data/csv/load-csv.js";
import { StrategyLifecycle } from "../../engine/lifecycle/strategy-lifecycle.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { StabilityLock } from "../../risk/guards/stability-lock.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { syntheticHourlyBars } from "../evolution/testing/synthetic-markets.js";
import { runDebate } from "./debate.js";
import type { DebateTranscript } from "./debate-types.js";
import { formatTranscript } from "./format-transcript.js";
import { type GateWindows, splitWindows } from "./gate-windows.js";
import { storeLifecycleEntry } from "./lifecycle-entry.js";
import { RedTeam } from "./red-team.js";
import { BTC_DEBATE_SPECS, BTC_DEBATE_SUGGESTION } from "./testing/btc-debate.js";
import { breakoutSpec, fadeSpec, proposal } from "./testing/proposals.js";
import { ScriptedBridge } from "./testing/scripted-bridge.js";

const suggestion = { reason: "the live strategy loses in trends", proposedChange: "trade channel breakouts" };
const NOW = Date.UTC(2026, 0, 1);

describe("the architect's debate with the red team (synthetic hourly bars with a planted breakout edge)", () => {
  let windows: GateWindows;
  let dir: string;
  let store: Store;
  let blacklist: Blacklist;
  let lifecycle: StrategyLifecycle;

  beforeAll(() => {
    windows = splitWindows(syntheticHourlyBars({ seed: 3, bars: 6000, edge: 0.001 }));
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-debate-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    blacklist = new Blacklist();
    lifecycle = new StrategyLifecycle(
      store.strategies,
      new StabilityLock(new MemoryStateStore(), { minHours: 12 }),
      () => NOW,
    );
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const debate = (bridge: ScriptedBridge, rounds?: number) =>
    runDebate({
      bridge,
      redTeam: new RedTeam(windows, { blacklist, clock: () => NOW, fee: 0.001 }),
      suggestion,
      ...(rounds !== undefined ? { rounds } : {}),
      lifecycle: storeLifecycleEntry(store.strategies, lifecycle),
      sink: { save: (t: DebateTranscript) => store.debates.insert(t) },
      clock: () => NOW,
    });

  it("rejects a losing first spec with its numbers, and the revision passes every gate and enters the lifecycle", async () => {
    const bridge = new ScriptedBridge({ architect: [proposal(fadeSpec()), proposal(breakoutSpec(2))] });
    const transcript = await debate(bridge);

    expect(transcript.outcome).toBe("approved");
    expect(transcript.rounds.map((r) => [r.stage, r.verdict])).toEqual([
      ["selection", "rejected"],
      ["holdout", "approved"],
    ]);
    const first = transcript.rounds[0]!;
    const sharpe = first.selection!.inSample.sharpe!;
    expect(sharpe).toBeLessThan(0);
    // The second request carries the red team's rejection with the gate numbers of the first round.
    const revision = bridge.requests[1]!.user;
    expect(revision).toContain("REJECTED (round 1, selection)");
    expect(revision).toContain(`in-sample Sharpe: ${sharpe.toPrecision(3)} (needs > 0.5)`);
    expect(revision).toContain(`walk-forward Sharpe ${first.selection!.walkForward.sharpe!.toFixed(3)}`);
    // Every holdout gate was measured and passed (PBO over the two trials included).
    const holdout = transcript.rounds[1]!.holdout!;
    expect(holdout.gates.map((g) => g.gate)).toEqual([
      "holdout Sharpe",
      "holdout max drawdown",
      "holdout trades",
      "flash-crash stress",
      "deflated Sharpe ratio",
      "probability of backtest overfitting",
      "bootstrap vs buy-and-hold",
    ]);
    expect(holdout.gates.every((g) => g.passed && g.value !== null)).toBe(true);

    const id = transcript.survivor!.id;
    expect(transcript.survivor!.status).toBe("validated");
    const record = await store.strategies.get(id);
    expect(record).toMatchObject({ status: "validated", source: "llm", name: "dc-breakout" });
    expect((await store.strategies.transitions(id)).map((t) => [t.toStatus, t.by])).toEqual([
      ["generated", "llm-architect"],
      ["backtested", "llm-architect"],
      ["validated", "llm-architect"],
    ]);
    // From here the lifecycle rules hold: the machine may shadow it, only a person puts money on it.
    await lifecycle.move(id, "shadow", { by: "llm-architect", reason: "shadow run" });
    await lifecycle.move(id, "awaiting-approval", { by: "shadow", reason: "promotion alert" });
    await expect(lifecycle.approve(id, { by: "llm", reason: "looks good" })).rejects.toThrow(/a person must do it/);

    // The losing spec is blacklisted with its numbers; the whole transcript is stored.
    expect(blacklist.has(first.specHash!)).toBe(true);
    expect(blacklist.reasons().get(first.specHash!)).toContain("in-sample Sharpe");
    const stored = await store.debates.range<DebateTranscript>();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.survivorId).toBe(id);
    expect(stored[0]!.transcript.rounds[0]!.critique).toContain("REJECTED");
  }, 60_000);

  it("fails after N rounds: every spec blacklisted, nothing enters the lifecycle", async () => {
    const bridge = new ScriptedBridge({
      architect: [proposal(fadeSpec("fade-a")), proposal({ ...fadeSpec("fade-b"), exits: { stopLossPct: 2 } })],
    });
    const transcript = await debate(bridge, 2);

    expect(transcript.outcome).toBe("failed");
    expect(transcript.stoppedBecause).toBe("no spec passed in 2 rounds");
    expect(transcript.rounds).toHaveLength(2);
    expect(transcript.rounds.every((r) => r.verdict === "rejected")).toBe(true);
    expect(transcript.blacklisted).toHaveLength(2);
    for (const hash of transcript.blacklisted) expect(blacklist.has(hash)).toBe(true);
    expect(bridge.requests).toHaveLength(2);
    expect(await store.strategies.list()).toEqual([]);
    expect((await store.debates.range())[0]!.outcome).toBe("failed");
  }, 60_000);

  it("rejects code, unknown indicators and a period of 10^9 with a clear reason, as failed rounds, without running them", async () => {
    const code = "def get_signal(ohlcv):\n    import os; os.system('rm -rf /')\n    return 'BUY'";
    const unknown = { ...breakoutSpec(2, "mystery"), indicators: { dc: { type: "quantumOracle", period: 20 } } };
    const huge = { ...breakoutSpec(2, "huge"), indicators: { dc: { type: "donchian", period: 1e9 } } };
    const bridge = new ScriptedBridge({ architect: [code, proposal(unknown), proposal(huge)] });
    const redTeam = new RedTeam(windows, { blacklist, clock: () => NOW });
    const transcript = await runDebate({ bridge, redTeam, suggestion, clock: () => NOW });

    expect(transcript.outcome).toBe("failed");
    expect(transcript.rounds.map((r) => r.stage)).toEqual(["no-answer", "invalid", "invalid"]);
    const [first, second, third] = transcript.rounds.map((r) => r.reasons.join(" "));
    expect(first).toMatch(/no usable answer \(invalid\): architect: answer is not JSON: 'def get_signal/);
    expect(second).toContain('indicators.dc.type: unknown indicator type "quantumOracle"');
    expect(third).toContain("indicators.dc.period: must be a whole number from 1 to 1000000");
    // The red team's critique tells the architect why, and no backtest ever ran on them.
    expect(bridge.requests[1]!.user).toContain("answer is not JSON");
    expect(bridge.requests[2]!.user).toContain("quantumOracle");
    expect(redTeam.trials).toBe(0);
  }, 60_000);

  it("never lets the holdout steer a revision: a spec that clears selection but fails the holdout ends the debate", async () => {
    const bridge = new ScriptedBridge({ architect: [proposal(breakoutSpec(1)), proposal(breakoutSpec(2))] });
    const redTeam = new RedTeam(windows, { blacklist, clock: () => NOW });
    const transcript = await runDebate({ bridge, redTeam, suggestion, clock: () => NOW });

    const round = transcript.rounds[0]!;
    expect(round.stage).toBe("holdout");
    expect(round.verdict).toBe("rejected");
    expect(round.reasons.join(" ")).toContain("bootstrap vs buy-and-hold");
    expect(transcript.rounds).toHaveLength(1);
    expect(transcript.stoppedBecause).toMatch(/failed the holdout gates/);
    expect(bridge.requests).toHaveLength(1);
    expect(blacklist.has(round.specHash!)).toBe(true);
    // Selection read only the search bars; the holdout is the bars after them.
    expect(round.selection!.bars).toEqual([0, windows.searchEnd]);
    expect(round.holdout!.bars).toEqual([windows.searchEnd, windows.holdoutEnd]);
  }, 60_000);

  it("says the role is off when no architect model is configured", async () => {
    const transcript = await runDebate({
      bridge: new ScriptedBridge({}),
      redTeam: new RedTeam(windows, { blacklist, clock: () => NOW }),
      suggestion,
      clock: () => NOW,
    });
    expect(transcript.outcome).toBe("failed");
    expect(transcript.rounds).toHaveLength(1);
    expect(transcript.stoppedBecause).toBe("the architect role is off (no model configured)");
  });
});

const btcFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);

describe.skipIf(!sharedDataPresent(btcFile))(`a scripted architect debate on real BTC/USDT 1h (${btcFile})`, () => {
  it("judges every round with 0.1 % fees on the search bars only, quotes the numbers back, and prints the transcript", async () => {
    const series = (await loadCsv(btcFile)).series;
    const windows = splitWindows(series);
    const blacklist = new Blacklist();
    const bridge = new ScriptedBridge({ architect: BTC_DEBATE_SPECS.map((spec) => proposal(spec)) });
    const transcript = await runDebate({
      bridge,
      redTeam: new RedTeam(windows, { blacklist, clock: () => NOW, fee: 0.001 }),
      suggestion: BTC_DEBATE_SUGGESTION,
      clock: () => NOW,
    });
    expect(transcript.fee).toBe(0.001);
    expect(transcript.windows.search[1]).toBeLessThan(transcript.windows.holdout[0]);
    for (const [k, round] of transcript.rounds.entries()) {
      if (round.selection) expect(round.selection.bars).toEqual([0, windows.searchEnd]);
      // A round that did not reach the holdout was never traded on it.
      if (round.stage !== "holdout") expect(round.holdout).toBeUndefined();
      const next = bridge.requests[k + 1];
      if (next && round.selection)
        expect(next.user).toContain(`in-sample Sharpe ${round.selection.inSample.sharpe!.toFixed(3)}`);
      if (round.verdict === "rejected" && round.specHash) expect(blacklist.has(round.specHash)).toBe(true);
    }
    console.log(formatTranscript(transcript).replace(/(spec \S+ \(\w+\)): .*/g, "$1"));
  }, 120_000);
});
