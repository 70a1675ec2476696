import { describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MARKET_FEATURES } from "../features/feature-names.js";
import { featureRecord, featureRow, seriesFeaturesAt } from "./feature-snapshot.js";
import { type Pattern, PatternMemory } from "./pattern-memory.js";

const D = MARKET_FEATURES.length;
/** A vector whose every feature is `x` plus a small seeded spread (so each feature has a standard deviation). */
const vector = (x: number, k = 0): Float64Array =>
  Float64Array.from({ length: D }, (_, c) => x + ((c * 7 + k) % 5) * 0.01);
const pattern = (x: number, win: boolean, closedAt: number, k = 0): Pattern => ({
  vector: vector(x, k),
  win,
  closedAt,
});

describe("PatternMemory", () => {
  it("does not see a pattern before its trade closed (no look-ahead)", () => {
    const memory = new PatternMemory({ k: 3, minNeighbours: 1 });
    memory.add(pattern(0, true, 1000));
    memory.add(pattern(0.1, false, 2000, 1));
    memory.add(pattern(5, true, 3000, 2));
    expect(memory.neighbours(vector(0), 999)).toEqual([]);
    expect(memory.neighbours(vector(0), 1000).map((n) => n.pattern.closedAt)).toEqual([1000]);
    expect(memory.neighbours(vector(0), 2999).map((n) => n.pattern.closedAt)).toEqual([1000, 2000]);
    expect(memory.judge(vector(0), 999).neighbours).toBe(0);
    expect(memory.judge(vector(0), 1500).winRate).toBe(1);
    expect(memory.judge(vector(0), 2500).winRate).toBe(0.5);
  });

  it("scales an entry down when the nearest past situations lost, vetoes when nearly all did, and leaves far ones out", () => {
    const memory = new PatternMemory({ k: 4, minNeighbours: 4, vetoBelow: 0.3, scaleBelow: 0.5 });
    // Near 0: one win in four; near 10: all wins (farther, so not among the 4 nearest to 0).
    for (const [k, win] of [true, false, false, false].entries()) memory.add(pattern(0, win, 100 + k, k));
    for (let k = 0; k < 4; k++) memory.add(pattern(10, true, 200 + k, k));
    const losing = memory.judge(vector(0), 1000);
    expect(losing.winRate).toBe(0.25);
    expect(losing.signal).toMatchObject({ action: "hold", veto: true });
    const winning = memory.judge(vector(10), 1000);
    expect(winning.signal.scale).toBe(1);
    expect(winning.signal.veto).toBeUndefined();
  });

  it("gives a size factor of win rate / scaleBelow between the veto and the scale thresholds", () => {
    const memory = new PatternMemory({ k: 5, minNeighbours: 5, vetoBelow: 0.2, scaleBelow: 0.8 });
    for (const [k, win] of [true, true, false, false, false].entries()) memory.add(pattern(0, win, k, k));
    const { signal, winRate } = memory.judge(vector(0), 10);
    expect(winRate).toBe(0.4);
    expect(signal.veto).toBeUndefined();
    expect(signal.scale).toBeCloseTo(0.5, 12);
    expect(signal.reason).toBe("Pattern memory: 2/5 similar past trades won (40 %): size scaled down");
  });

  it("as an advisor in a backtest, vetoes or scales only with patterns of trades closed before the bar", () => {
    const series = simulateMarket({ seed: 9, bars: 1500, symbol: "PM/USDT" }).series;
    const strategy = loadStrategy("sma-cross", { fast: 4, slow: 12, stopLoss: 2 });
    const plain = runBacktest({ feeds: [{ series, strategy }], cash: 10_000 });
    // The memory learns from the plain run's trades: each becomes a pattern at its exit, a loss everywhere.
    const memory = new PatternMemory({ k: 3, minNeighbours: 3 });
    for (const t of plain.trades) {
      const index = series.time.indexOf(t.entryTime) - 1;
      memory.add({ vector: seriesFeaturesAt(series, index, 3_600_000), win: false, closedAt: t.exitTime });
    }
    const advised = runBacktest({ feeds: [{ series, strategy, sources: [memory.advisor()] }], cash: 10_000 });
    const third = plain.trades[2];
    expect(third).toBeDefined();
    // Before three trades had closed there was nothing to judge by: the first entries are the plain run's.
    expect(advised.trades.slice(0, 3).map((t) => t.entryTime)).toEqual(
      plain.trades.slice(0, 3).map((t) => t.entryTime),
    );
    const vetoed = advised.decisions.filter((d) => d.votes.some((v) => v.source === "pattern-memory" && v.veto));
    expect(vetoed.length).toBeGreaterThan(0);
    expect(Math.min(...vetoed.map((d) => d.time))).toBeGreaterThanOrEqual(third?.exitTime as number);
    expect(advised.trades.length).toBeLessThan(plain.trades.length);
  });

  it("keeps a feature row through the learning table's JSON (finite features only)", () => {
    const row = vector(0.5);
    row[3] = Number.NaN;
    const back = featureRow(JSON.parse(JSON.stringify(featureRecord(row))));
    expect(Number.isNaN(back[3] as number)).toBe(true);
    expect([...back].filter((_, c) => c !== 3)).toEqual([...row].filter((_, c) => c !== 3));
  });
});
