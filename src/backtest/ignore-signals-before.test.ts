import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/index.js";
import { loadStrategy } from "../strategy/registry.js";
import { ignoreSignalsBefore } from "./ignore-signals-before.js";
import { runBacktest } from "./run-backtest.js";

const { series } = simulateMarket({ seed: 11, bars: 3000 });

describe("ignoreSignalsBefore", () => {
  it("drops signals before the given time and keeps the rest", () => {
    const strategy = loadStrategy("sma-cross", { fast: 5, slow: 20 });
    const cut = series.time[1500] as number;
    const full = runBacktest({ feeds: [{ series, strategy }], cash: 10_000, fee: 0 });
    const late = runBacktest({
      feeds: [{ series, strategy: ignoreSignalsBefore(strategy, cut) }],
      cash: 10_000,
      fee: 0,
    });
    expect(full.trades.some((t) => t.entryTime < cut)).toBe(true);
    expect(late.trades.length).toBeGreaterThan(0);
    // A signal on a bar before the cut would fill at the next bar's open, at the cut at the earliest.
    for (const trade of late.trades) expect(trade.entryTime).toBeGreaterThan(cut);
    // Trades opened after the cut by a strategy that was flat at the cut are the same trades.
    const firstLate = late.trades[0]!;
    expect(full.trades.some((t) => t.entryTime === firstLate.entryTime && t.exitTime === firstLate.exitTime)).toBe(
      true,
    );
    for (let i = 0; i <= 1500; i++) expect(late.equity.equity[i]).toBe(10_000);
  });

  it("reads name, parameters, sizing and allowShort through to the wrapped strategy", () => {
    const strategy = loadStrategy("sma-cross", { fast: 5, slow: 20, short: 1 });
    const wrapped = ignoreSignalsBefore(strategy, 0);
    expect(wrapped.name).toBe("sma-cross");
    expect(wrapped.parameters).toBe(strategy.parameters);
    expect(wrapped.allowShort).toBe(true);
    expect(wrapped.sizing).toBe(strategy.sizing);
  });
});
