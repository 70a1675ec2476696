import { describe, expect, it } from "vitest";
import { type BacktestFeed, runBacktest } from "../../backtest/run-backtest.js";
import type { DecisionRecord } from "../../engine/decision.js";
import { bars } from "../../execution/testing/bars.js";
import { type RiskLayer, RiskShield, sanityLayer } from "../shield.js";
import { minConfidence } from "./confidence.js";
import { MaxDailyLoss } from "./daily-loss.js";
import { exchangeConstraints } from "./exchange-constraints.js";
import { maxExposure } from "./exposure.js";
import { maxLeverage } from "./leverage.js";
import { maxMarginRatio } from "./margin-ratio.js";
import { maxOpenTrades } from "./open-trades.js";
import { maxOrderRate } from "./order-rate.js";
import { maxPositionSize } from "./position-size.js";
import { BUY, CLOSE, flat, scripted } from "./testing/scripted.js";
import { maxTradesPerDay } from "./trades-per-day.js";

/** Runs the engine with `layer` (after the sanity layer) in the shield, no fees, 10 000 of cash. */
function run(layer: RiskLayer, feeds: BacktestFeed[], cash = 10_000) {
  return runBacktest({ feeds, cash, fee: 0, shield: new RiskShield([sanityLayer, layer]) });
}

/** The verdict `name` gave on the first order of decision `d`. */
function verdictOf(d: DecisionRecord | undefined, name: string) {
  return d?.risk[0]?.verdicts.find((v) => v.layer === name);
}

const opening = (decisions: readonly DecisionRecord[]) => decisions.filter((d) => d.action === "buy");

describe("max position size in the engine", () => {
  it("scales a 100 % order down to 10 % of equity", () => {
    const r = run(maxPositionSize({ maxPct: 10 }), [{ series: bars(flat(5)), strategy: scripted({ 1: BUY }) }]);
    expect(verdictOf(r.decisions[0], "max-position-size")).toMatchObject({ verdict: "scale" });
    expect(r.decisions[0]?.risk[0]?.quantity).toBeCloseTo(10, 6);
    expect(r.trades[0]?.quantity).toBeCloseTo(10, 6);
  });

  it("leaves a 5 % order alone", () => {
    const r = run(maxPositionSize({ maxPct: 10 }), [
      { series: bars(flat(5)), strategy: scripted({ 1: BUY }), size: { type: "percent-equity", value: 5 } },
    ]);
    expect(verdictOf(r.decisions[0], "max-position-size")?.verdict).toBe("allow");
    expect(r.trades[0]?.quantity).toBeCloseTo(5, 6);
  });
});

describe("max total exposure in the engine", () => {
  const feeds = (pct: number): BacktestFeed[] =>
    ["A/USDT", "B/USDT"].map((symbol) => ({
      series: bars(flat(5), symbol),
      strategy: scripted({ 1: BUY }),
      size: { type: "percent-equity", value: pct },
    }));

  it("caps two symbols deciding at the same bar at 30 % of equity together", () => {
    const r = run(maxExposure({ maxPct: 30 }), feeds(20));
    expect(verdictOf(r.decisions[0], "max-exposure")?.verdict).toBe("allow");
    const second = verdictOf(r.decisions[1], "max-exposure");
    expect(second).toMatchObject({ verdict: "scale" });
    expect(second?.reason).toContain("awaiting fill");
    const gross = r.trades.reduce((sum, t) => sum + t.quantity * t.entryPrice, 0);
    expect(gross).toBeCloseTo(3000, 4);
  });

  it("allows two 10 % positions", () => {
    const r = run(maxExposure({ maxPct: 30 }), feeds(10));
    expect(r.decisions.map((d) => verdictOf(d, "max-exposure")?.verdict)).toEqual(["allow", "allow"]);
    expect(r.trades.reduce((sum, t) => sum + t.quantity * t.entryPrice, 0)).toBeCloseTo(2000, 4);
  });
});

describe("max daily loss in the engine", () => {
  // Long from bar 1 at 100; bar 2 closes at `low`; the position is closed at bar 3 and the strategy buys again at
  // bar 5 (same day) and at bar 25 (next day).
  const series = (low: number) => bars([...flat(2), [100, 100, low, low], ...flat(25, low)]);
  const strategy = scripted({ 0: BUY, 2: CLOSE, 5: BUY, 6: CLOSE, 25: BUY });

  it("denies new positions after a 3 % loss until the next UTC day", () => {
    const r = run(new MaxDailyLoss({ maxPct: 2 }), [{ series: series(97), strategy }]);
    const buys = opening(r.decisions);
    expect(buys.map((d) => d.outcome)).toEqual(["orders-sent", "rejected", "orders-sent"]);
    expect(verdictOf(buys[1], "max-daily-loss")?.reason).toBe(
      "down 3.00 % today (10000.00 → 9700.00), max daily loss 2 %: no new positions until 2024-01-02 00:00 UTC",
    );
    expect(r.trades).toHaveLength(2);
  });

  it("lets the strategy trade again the same day after a 1 % loss", () => {
    const r = run(new MaxDailyLoss({ maxPct: 2 }), [{ series: series(99), strategy }]);
    expect(opening(r.decisions).map((d) => d.outcome)).toEqual(["orders-sent", "orders-sent", "orders-sent"]);
    expect(r.trades).toHaveLength(3);
  });
});

describe("max trades per day in the engine", () => {
  // Buys at even bars, closes at odd ones: 12 round trips on day one, one more on day two.
  const script: Record<number, typeof BUY> = { 24: BUY };
  for (let i = 0; i < 24; i++) script[i] = i % 2 === 0 ? BUY : CLOSE;
  const feed = (): BacktestFeed[] => [{ series: bars(flat(26)), strategy: scripted(script) }];

  it("denies the third opening order of the day at a limit of 2, and trades again the next day", () => {
    const r = run(maxTradesPerDay({ max: 2 }), feed());
    const outcomes = opening(r.decisions).map((d) => d.outcome);
    expect(outcomes.slice(0, 3)).toEqual(["orders-sent", "orders-sent", "rejected"]);
    expect(outcomes.filter((o) => o === "orders-sent")).toHaveLength(3);
    expect(verdictOf(opening(r.decisions)[2], "max-trades-per-day")?.reason).toBe(
      "2 opening orders filled today, max 2 per day: no new positions until 2024-01-02",
    );
    expect(r.trades).toHaveLength(3);
  });

  it("allows all twelve at a limit of 12", () => {
    const r = run(maxTradesPerDay({ max: 12 }), feed());
    expect(opening(r.decisions).every((d) => d.outcome === "orders-sent")).toBe(true);
    expect(r.trades).toHaveLength(13);
  });
});

describe("minimum confidence in the engine", () => {
  const feed = (confidence: number): BacktestFeed[] => [
    { series: bars(flat(4)), strategy: scripted({ 1: { ...BUY, confidence } }) },
  ];

  it("rejects a decision with confidence 0.6", () => {
    const r = run(minConfidence({ min: 0.7 }), feed(0.6));
    expect(r.decisions[0]?.outcome).toBe("rejected");
    expect(verdictOf(r.decisions[0], "min-confidence")?.reason).toBe("confidence 0.60 below the minimum 0.70");
    expect(r.trades).toHaveLength(0);
  });

  it("trades a decision with confidence 0.8", () => {
    const r = run(minConfidence({ min: 0.7 }), feed(0.8));
    expect(r.decisions[0]?.outcome).toBe("orders-sent");
    expect(r.trades).toHaveLength(1);
  });
});

describe("max leverage in the engine", () => {
  const feed = (leverage: number): BacktestFeed[] => [
    { series: bars(flat(4)), strategy: scripted({ 1: BUY }), leverage, size: { type: "percent-equity", value: 10 } },
  ];

  it("rejects an order at 20× when the maximum is 10×", () => {
    const r = run(maxLeverage({ max: 10 }), feed(20));
    expect(verdictOf(r.decisions[0], "max-leverage")?.reason).toBe("leverage 20× above the maximum 10×");
    expect(r.trades).toHaveLength(0);
  });

  it("trades at 5×", () => {
    const r = run(maxLeverage({ max: 10 }), feed(5));
    expect(r.trades).toHaveLength(1);
  });
});

describe("exchange constraints in the engine", () => {
  const feed = (): BacktestFeed[] => [{ series: bars(flat(4)), strategy: scripted({ 1: BUY }) }];

  it("rejects an order below the minimum notional before the broker sees it", () => {
    const r = run(exchangeConstraints(), feed(), 4);
    expect(verdictOf(r.decisions[0], "exchange-constraints")?.reason).toBe(
      "notional 4.00 below minimum 5 of TEST/USDT",
    );
    expect(r.decisions[0]?.orders).toHaveLength(0);
    expect(r.trades).toHaveLength(0);
  });

  it("passes an order of 1000", () => {
    const r = run(exchangeConstraints(), feed(), 1000);
    expect(verdictOf(r.decisions[0], "exchange-constraints")?.verdict).toBe("allow");
    expect(r.trades).toHaveLength(1);
  });
});

describe("max order rate in the engine", () => {
  const feeds = (): BacktestFeed[] =>
    ["A/USDT", "B/USDT", "C/USDT"].map((symbol) => ({
      series: bars(flat(4), symbol),
      strategy: scripted({ 1: BUY }),
      size: { type: "percent-equity", value: 10 },
    }));

  it("rejects the third order within a minute at a limit of 2", () => {
    const r = run(maxOrderRate({ maxPerMinute: 2 }), feeds());
    expect(r.decisions.map((d) => d.outcome)).toEqual(["orders-sent", "orders-sent", "rejected"]);
    expect(verdictOf(r.decisions[2], "max-order-rate")?.reason).toBe("2 orders in the last 60 s, max 2");
  });

  it("sends all three at a limit of 3", () => {
    const r = run(maxOrderRate({ maxPerMinute: 3 }), feeds());
    expect(r.decisions.map((d) => d.outcome)).toEqual(["orders-sent", "orders-sent", "orders-sent"]);
  });
});

describe("margin-ratio limit in the engine", () => {
  const feed = (pct: number, leverage: number): BacktestFeed[] => [
    { series: bars(flat(4)), strategy: scripted({ 1: BUY }), leverage, size: { type: "percent-equity", value: pct } },
  ];

  it("scales an order that would lock 100 % of equity as margin down to 80 %", () => {
    const r = run(maxMarginRatio({ max: 0.8 }), feed(100, 2));
    expect(verdictOf(r.decisions[0], "max-margin-ratio")).toMatchObject({ verdict: "scale" });
    // 80 % of 10 000 as margin at 2× = 16 000 of notional = 160 units at 100.
    expect(r.trades[0]?.quantity).toBeCloseTo(160, 4);
  });

  it("allows an order that locks 50 %", () => {
    const r = run(maxMarginRatio({ max: 0.8 }), feed(50, 2));
    expect(verdictOf(r.decisions[0], "max-margin-ratio")?.verdict).toBe("allow");
    expect(r.trades[0]?.quantity).toBeCloseTo(100, 4);
  });
});

describe("max open trades in the engine", () => {
  /** Four symbols that all buy at bar 1; A closes at bar 3 and D buys again at bar 5. */
  const feeds = (): BacktestFeed[] =>
    ["A/USDT", "B/USDT", "C/USDT", "D/USDT"].map((symbol) => ({
      series: bars(flat(8), symbol),
      strategy: scripted(
        symbol === "A/USDT" ? { 1: BUY, 3: CLOSE } : symbol === "D/USDT" ? { 1: BUY, 5: BUY } : { 1: BUY },
      ),
      size: { type: "percent-equity", value: 10 },
    }));

  it("opens two of four entries decided at the same bar, and the fourth symbol once a slot is free", () => {
    const r = run(maxOpenTrades({ max: 2 }), feeds());
    const entries = opening(r.decisions);
    expect(entries.map((d) => [d.symbol, d.outcome])).toEqual([
      ["A/USDT", "orders-sent"],
      ["B/USDT", "orders-sent"],
      ["C/USDT", "rejected"],
      ["D/USDT", "rejected"],
      ["D/USDT", "orders-sent"],
    ]);
    expect(verdictOf(entries[2], "max-open-trades")?.reason).toBe("2 trade(s) open (incl. 2 awaiting fill), max 2");
    // Never more than two positions at once: A and B, then B and D.
    expect(r.trades.map((t) => t.symbol).sort()).toEqual(["A/USDT", "B/USDT", "D/USDT"]);
  });
});
