import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/index.js";
import type { CandleSeries } from "../domain/candles.js";
import { type WalkForwardOptions, type WalkForwardResult, walkForward } from "./walk-forward.js";

const { series } = simulateMarket({ seed: 5, bars: 6000 });
const options: WalkForwardOptions = {
  series,
  strategy: "sma-cross",
  grid: { fast: [5, 10, 20], slow: [30, 60] },
  cash: 10_000,
  fee: 0.001,
  mode: "rolling",
  trainBars: 1500,
  testBars: 500,
  workers: 0,
};
const t = (i: number): number => series.time[i] as number;

/** A copy of `s` whose bars from `from` on come from another random walk. */
function scrambleFrom(s: CandleSeries, from: number): CandleSeries {
  const other = simulateMarket({ seed: 77, bars: s.length }).series;
  const copy = (a: Float64Array, b: Float64Array): Float64Array => {
    const out = Float64Array.from(a);
    out.set(b.subarray(from), from);
    return out;
  };
  return {
    ...s,
    open: copy(s.open, other.open),
    high: copy(s.high, other.high),
    low: copy(s.low, other.low),
    close: copy(s.close, other.close),
    volume: copy(s.volume, other.volume),
  };
}

/** What a window decided and measured, without anything that depends on timing. */
const decisions = (result: WalkForwardResult) =>
  result.windows.map((w) => ({ params: w.params, inSample: w.inSample }));

describe("walkForward", () => {
  it("rolls the training window in rolling mode and anchors it at bar 0 in anchored mode", async () => {
    const rolling = await walkForward(options);
    const anchored = await walkForward({ ...options, mode: "anchored" });
    expect(rolling.windows.map((w) => w.trainStart)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]);
    expect(anchored.windows.map((w) => w.trainStart)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(anchored.windows.map((w) => w.trainEnd)).toEqual(rolling.windows.map((w) => w.trainEnd));
    expect(anchored.windows.map((w) => w.inSample.bars)).toEqual([
      1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500,
    ]);
    expect(rolling.windows.every((w) => w.inSample.bars === 1500)).toBe(true);
  });

  it("reports in-sample metrics on the training bars and out-of-sample metrics on the test bars, never overlapping", async () => {
    const result = await walkForward(options);
    for (const w of result.windows) {
      expect(w.trainTo).toBeLessThanOrEqual(w.testFrom);
      expect(w.inSample.startTime).toBe(t(w.trainStart));
      expect(w.inSample.endTime).toBe(t(w.trainEnd - 1));
      expect(w.outOfSample.startTime).toBe(t(w.testStart));
      expect(w.outOfSample.endTime).toBe(t(w.testEnd - 1));
      expect(w.inSample.endTime!).toBeLessThan(w.outOfSample.startTime!);
      expect(w.inSampleObjective).toBe(w.inSample.sharpe);
      expect(w.outOfSampleObjective).toBe(w.outOfSample.sharpe);
      expect(w.candidates).toBe(6);
      expect(w.failedCandidates).toBe(0);
    }
  });

  it("never lets training see test data: changing every bar from window 3's test on leaves windows 0-3's choices unchanged", async () => {
    const original = await walkForward(options);
    const cut = original.windows[3]!.testStart;
    const changed = await walkForward({ ...options, series: scrambleFrom(series, cut) });
    expect(decisions(changed).slice(0, 4)).toEqual(decisions(original).slice(0, 4));
    // Test windows before the cut are untouched too; window 3's test and everything later did change.
    expect(changed.windows.slice(0, 3).map((w) => w.outOfSample)).toEqual(
      original.windows.slice(0, 3).map((w) => w.outOfSample),
    );
    expect(changed.windows[3]!.outOfSample).not.toEqual(original.windows[3]!.outOfSample);
  });

  it("picks the best in-sample objective of the grid on each window", async () => {
    const result = await walkForward(options);
    for (const w of result.windows) {
      const alone = await walkForward({
        ...options,
        grid: {},
        params: w.params,
        trainBars: 1500,
        warmupBars: result.warmupBars,
      });
      const same = alone.windows[w.index]!;
      expect(same.inSample).toEqual(w.inSample);
      for (const fast of [5, 10, 20]) {
        for (const slow of [30, 60]) {
          const other = await walkForward({
            ...options,
            grid: {},
            params: { fast, slow },
            warmupBars: result.warmupBars,
          });
          expect(other.windows[w.index]!.inSampleObjective ?? Number.NEGATIVE_INFINITY).toBeLessThanOrEqual(
            w.inSampleObjective!,
          );
        }
      }
      if (w.index >= 1) break;
    }
  });

  it("stitches the test windows into one out-of-sample curve, each window starting with the previous one's equity", async () => {
    const result = await walkForward(options);
    expect(result.equity.time.length).toBe(9 * 500);
    expect(result.equity.equity[0]).toBe(10_000);
    expect(result.equity.time[0]).toBe(t(1500));
    let product = 1;
    result.windows.forEach((w, i) => {
      const start = i * 500;
      expect(result.equity.time[start]).toBe(t(w.testStart));
      if (i > 0) expect(result.equity.equity[start]).toBe(result.equity.equity[start - 1]);
      expect(w.outOfSample.initialCash).toBe(result.equity.equity[start]);
      product *= 1 + w.outOfSample.totalReturn!;
    });
    expect(result.outOfSample.totalReturn).toBeCloseTo(product - 1, 12);
    expect(result.outOfSample.startTime).toBe(t(1500));
    expect(result.outOfSample.tradeCount).toBe(result.windows.reduce((sum, w) => sum + w.outOfSample.tradeCount!, 0));
    expect(result.trades.every((trade) => trade.entryTime > t(1500))).toBe(true);
  });

  it("warms indicators up with three times the longest lookback of the grid", async () => {
    const result = await walkForward(options);
    // slow 60 → SMA lookback 59 bars → warm-up 177 bars before every train and test window.
    expect(result.warmupBars).toBe(177);
    const none = await walkForward({ ...options, warmupBars: 0 });
    expect(none.warmupBars).toBe(0);
    // Without a warm-up the slow SMA is undefined for each test window's first 59 bars, so fewer trades can happen.
    expect(none.outOfSample.tradeCount!).toBeLessThanOrEqual(result.outOfSample.tradeCount!);
  });

  it("computes overfitting statistics from the windows", async () => {
    const result = await walkForward(options);
    const paired = result.windows.filter((w) => w.inSampleObjective !== null && w.outOfSampleObjective !== null);
    const meanIn = paired.reduce((sum, w) => sum + w.inSampleObjective!, 0) / paired.length;
    const meanOut = paired.reduce((sum, w) => sum + w.outOfSampleObjective!, 0) / paired.length;
    const stats = result.overfitting;
    expect(stats.objective).toBe("sharpe");
    expect(stats.pairedWindows).toBe(paired.length);
    expect(stats.meanInSample).toBeCloseTo(meanIn, 12);
    expect(stats.meanOutOfSample).toBeCloseTo(meanOut, 12);
    // Efficiency is out-of-sample over in-sample, from the means computed above (not from the result under test).
    expect(meanIn).toBeGreaterThan(0);
    expect(stats.efficiency).toBeCloseTo(meanOut / meanIn, 12);
    expect(stats.positiveOutOfSampleShare).toBe(
      result.windows.filter((w) => w.outOfSample.totalReturn! > 0).length / 9,
    );
  });

  it("with fixed params, trades them on every window", async () => {
    const result = await walkForward({ ...options, grid: undefined, params: { fast: 10, slow: 30 } });
    expect(result.windows.every((w) => w.candidates === 1 && w.params.fast === 10 && w.params.slow === 30)).toBe(true);
  });

  it("gives the same result on 2 worker threads as in the calling thread", async () => {
    const inThread = await walkForward(options);
    const onWorkers = await walkForward({ ...options, workers: 2 });
    expect(decisions(onWorkers)).toEqual(decisions(inThread));
    expect(onWorkers.outOfSample).toEqual(inThread.outOfSample);
    expect(onWorkers.configHash).toBe(inThread.configHash);
  });

  it("rejects a bad objective or warm-up naming it", async () => {
    await expect(walkForward({ ...options, objective: "sharp" as "sharpe" })).rejects.toThrow(
      /objective: unknown metric "sharp"/,
    );
    await expect(walkForward({ ...options, warmupBars: -1 })).rejects.toThrow(
      /warmupBars must be a whole number >= 0, got -1/,
    );
    await expect(walkForward({ ...options, stepBars: 100 })).rejects.toThrow(/stepBars \(100\) must be >= testBars/);
  });
});
