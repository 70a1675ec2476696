import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../../data/simulated/index.js";
import { packBits } from "./bitset.js";
import { runMetrics, screenMetrics } from "./screen-metrics.js";
import { type ScreenExits, type ScreenTrade, simulateSignals } from "./simulate.js";

const { series } = simulateMarket({ seed: 5, bars: 400 });
const atr = Float64Array.from(series.close, (c) => c * 0.01);
const fee = 0.001;

/**
 * The position loop stated bar by bar with plain boolean columns: no skipping of flat or held bars, no bitsets.
 * The screening loop must give exactly its trades and equity.
 */
function perBar(signals: Record<"entryLong" | "entryShort" | "exitLong" | "exitShort", boolean[]>, exits: ScreenExits) {
  const { open, high, low, close } = series;
  let cash = 10_000;
  let side = 0;
  let quantity = 0;
  let entryPrice = 0;
  let entryIndex = -1;
  let entryFee = 0;
  let stop = Number.NaN;
  let target = Number.NaN;
  let pending = "";
  let pendingQuantity = 0;
  let pendingAtr = Number.NaN;
  const trades: ScreenTrade[] = [];
  const equity: number[] = [];
  const exit = (i: number, price: number, f: number, reason: ScreenTrade["exitReason"]) => {
    const exitFee = quantity * price * f;
    cash += side * quantity * price - exitFee;
    const netPnl = side * quantity * (price - entryPrice) - entryFee - exitFee;
    trades.push({
      side: side > 0 ? "long" : "short",
      entryIndex,
      exitIndex: i,
      entryPrice,
      exitPrice: price,
      quantity,
      netPnl,
      exitReason: reason,
    });
    side = 0;
    quantity = 0;
    stop = target = Number.NaN;
  };
  const enter = (i: number, direction: number, price: number) => {
    const size = direction > 0 ? Math.min(pendingQuantity, cash / (price * (1 + fee))) : pendingQuantity;
    if (!(size > 0)) return;
    entryFee = size * price * fee;
    cash -= direction * size * price + entryFee;
    [side, quantity, entryPrice, entryIndex] = [direction, size, price, i];
    const a = pendingAtr;
    const stopDistance = Math.max(
      exits.stopLossPct > 0 ? (exits.stopLossPct / 100) * price : 0,
      exits.stopLossAtr > 0 && a > 0 ? exits.stopLossAtr * a : 0,
    );
    const targetDistance = Math.max(
      exits.takeProfitPct > 0 ? (exits.takeProfitPct / 100) * price : 0,
      exits.takeProfitAtr > 0 && a > 0 ? exits.takeProfitAtr * a : 0,
    );
    stop = stopDistance > 0 ? price - direction * stopDistance : Number.NaN;
    target = targetDistance > 0 ? price + direction * targetDistance : Number.NaN;
  };
  const n = series.length;
  for (let i = 0; i < n; i++) {
    const o = open[i]!;
    if (pending !== "") {
      if (side !== 0 && (pending === "close" || (pending === "buy" && side < 0) || (pending === "sell" && side > 0)))
        exit(i, o, fee, "signal");
      if (pending === "buy" && side === 0) enter(i, 1, o);
      else if (pending === "sell" && side === 0) enter(i, -1, o);
      pending = "";
    }
    if (side !== 0) {
      const long = side > 0;
      if (long ? o <= stop : o >= stop) exit(i, o, fee, "stop-loss");
      else if (long ? o >= target : o <= target) exit(i, o, fee, "take-profit");
      else if (long ? low[i]! <= stop : high[i]! >= stop) exit(i, stop, fee, "stop-loss");
      else if (long ? high[i]! >= target : low[i]! <= target) exit(i, target, fee, "take-profit");
    }
    const c = close[i]!;
    const was = side;
    const marked = cash + was * quantity * c;
    equity.push(marked);
    let action = "";
    if (was === 0) action = signals.entryLong[i] ? "buy" : signals.entryShort[i] ? "sell" : "";
    else if (was > 0) action = signals.entryShort[i] ? "sell" : signals.exitLong[i] ? "close" : "";
    else action = signals.entryLong[i] ? "buy" : signals.exitShort[i] ? "close" : "";
    if (action !== "" && i + 1 < n) {
      pending = action;
      if (action !== "close") {
        pendingQuantity = (Math.max(0, marked) * 100) / 100 / (c * (1 + fee));
        pendingAtr = atr[i]!;
      }
    }
  }
  if (side !== 0) {
    exit(n - 1, close[n - 1]!, fee, "end");
    equity[n - 1] = cash;
  }
  return { trades, equity };
}

const sparse = fc.array(
  fc.integer({ min: 0, max: 19 }).map((v) => v === 0),
  { minLength: 400, maxLength: 400 },
);
const level = fc.constantFrom(0, 0.5, 2, 4);

describe("the screening position loop", () => {
  it("gives exactly the per-bar loop's trades, equity and metrics (flat and held bars skipped by bitset scans)", () => {
    fc.assert(
      fc.property(sparse, sparse, sparse, sparse, level, level, level, level, (eL, eS, xL, xS, sp, sa, tp, ta) => {
        const exits = { stopLossPct: sp, stopLossAtr: sa, takeProfitPct: tp, takeProfitAtr: ta };
        const expected = perBar({ entryLong: eL, entryShort: eS, exitLong: xL, exitShort: xS }, exits);
        const run = simulateSignals({
          ...series,
          entryLong: packBits(eL),
          entryShort: packBits(eS),
          exitLong: packBits(xL),
          exitShort: packBits(xS),
          atr,
          exits,
          sizePercent: 100,
          takerFee: fee,
          makerFee: fee,
          cash: 10_000,
          from: 0,
          to: series.length,
        });
        expect(run.trades).toEqual(expected.trades);
        expect(Array.from(run.equity)).toEqual(expected.equity);
        const made = runMetrics(run, 10_000, 8760, true);
        const fromEquity = screenMetrics(Float64Array.from(expected.equity), run.trades, 10_000, 8760, true);
        expect(made).toEqual(fromEquity);
      }),
      { seed: 20261204, numRuns: 60 },
    );
  });
});
