import { describe, expect, it } from "vitest";
import type { CandleSeries } from "../domain/candles.js";
import { defaultInstrument, type Instrument } from "../domain/instrument.js";
import type { Fill, OrderRequest } from "../domain/order.js";
import type { ClosedTrade } from "../domain/trade.js";
import { Portfolio } from "./portfolio.js";
import { SimulatedBroker, type SimulatedBrokerOptions } from "./simulated-broker.js";
import { fixedBps, volatilityScaled } from "./slippage.js";
import { bars } from "./testing/bars.js";
import type { VenueListener } from "./venue.js";

const noFees: Partial<Instrument> = { makerFee: 0, takerFee: 0, lotSize: 0.0001, minQuantity: 0.0001, minNotional: 1 };

type Answer = { accepted: true; order: OrderRequest } | { accepted: false; reason: string };

/**
 * The venue with what the engine does around it: books each reported fill into the portfolio (the venue only
 * reports), marks to the close after each bar, and turns the synchronous accept/reject report into an answer.
 */
function setup(
  series: CandleSeries,
  options: SimulatedBrokerOptions = {},
  instrument: Partial<Instrument> = noFees,
  cash = 10_000,
  account?: Portfolio,
) {
  const portfolio = account ?? new Portfolio(cash);
  const fills: Fill[] = [];
  const trades: ClosedTrade[] = [];
  const cancels: string[] = [];
  let index = -1;
  let answer: Answer | undefined;
  const listener: VenueListener = {
    report: (report) => {
      switch (report.type) {
        case "accepted":
          answer = { accepted: true, order: report.order };
          break;
        case "rejected":
          answer = { accepted: false, reason: report.reason };
          break;
        case "filled": {
          const trade = portfolio.applyFill(report.fill, index, report.leverage);
          fills.push(report.fill);
          if (trade) trades.push(trade);
          break;
        }
        case "cancelled":
        case "expired":
          cancels.push(report.reason);
          break;
        case "funding":
          portfolio.applyFunding(report.symbol, report.rate, report.markPrice);
          break;
      }
    },
  };
  const venue = new SimulatedBroker(portfolio, listener, options);
  venue.addMarket(defaultInstrument(series.symbol, instrument), () => series);
  const broker = {
    submit(o: OrderRequest, at: number): Answer {
      answer = undefined;
      venue.submit(o, at);
      return answer as unknown as Answer;
    },
    processBar(symbol: string, at: number): void {
      index = at;
      venue.processBar(symbol, at);
      portfolio.mark(symbol, series.close[at] as number);
    },
    flatten(symbol: string, at: number, reason: string): void {
      index = at;
      venue.flatten(symbol, at, reason);
    },
    cancel: venue.cancel.bind(venue),
    cancelAll: venue.cancelAll.bind(venue),
    exitLevels: venue.exitLevels.bind(venue),
    setStop: venue.setStop.bind(venue),
    openOrders: venue.openOrders.bind(venue),
  };
  let seq = 0;
  const order = (o: Partial<OrderRequest> & Pick<OrderRequest, "side" | "quantity">): OrderRequest => ({
    clientOrderId: `t-${++seq}`,
    symbol: series.symbol,
    type: "market",
    reason: "test",
    ...o,
  });
  return { portfolio, broker, venue, fills, trades, cancels, order };
}

describe("SimulatedBroker: market orders", () => {
  it("fills a market order sent at a bar's close at the next bar's open", () => {
    const s = bars([
      [100, 101, 99, 100],
      [102, 105, 101, 104],
    ]);
    const { broker, fills, order } = setup(s);
    broker.processBar(s.symbol, 0);
    expect(broker.submit(order({ side: "buy", quantity: 1 }), 0).accepted).toBe(true);
    expect(fills).toHaveLength(0);
    broker.processBar(s.symbol, 1);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ price: 102, quantity: 1, liquidity: "taker", time: s.time[1] });
  });

  it("charges the taker fee on the notional", () => {
    const s = bars([
      [100, 101, 99, 100],
      [200, 201, 199, 200],
    ]);
    const { broker, fills, order, portfolio } = setup(s, {}, { ...noFees, takerFee: 0.001 });
    broker.submit(order({ side: "buy", quantity: 2 }), 0);
    broker.processBar(s.symbol, 1);
    expect(fills[0]?.fee).toBeCloseTo(0.4, 12);
    expect(portfolio.cash).toBeCloseTo(10_000 - 0.4, 9);
  });

  it("makes fixed slippage worsen the fill against the trader, rounded to the tick", () => {
    const s = bars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
    ]);
    const { broker, fills, order } = setup(s, { slippage: fixedBps(10) });
    broker.submit(order({ side: "buy", quantity: 1 }), 0);
    broker.processBar(s.symbol, 1);
    broker.submit(order({ side: "sell", quantity: 1 }), 1);
    broker.processBar(s.symbol, 2);
    expect(fills[0]?.price).toBeCloseTo(100.1, 9);
    expect(fills[1]?.price).toBeCloseTo(99.9, 9);
  });

  it("scales volatility slippage with the previous bar's range", () => {
    const s = bars([
      [100, 110, 90, 100],
      [100, 101, 99, 100],
    ]);
    const { broker, fills, order } = setup(s, { slippage: volatilityScaled(0.1) });
    broker.submit(order({ side: "buy", quantity: 1 }), 0);
    broker.processBar(s.symbol, 1);
    // range 20 / close 100 = 20 %, × 0.1 = 2 % worse than the open.
    expect(fills[0]?.price).toBeCloseTo(102, 9);
  });

  it("fills at most the participation cap of each bar's volume and carries the rest", () => {
    const s = bars([
      [100, 101, 99, 100, 10],
      [100, 101, 99, 100, 10],
      [100, 101, 99, 100, 10],
      [100, 101, 99, 100, 10],
    ]);
    const { broker, fills, order, portfolio } = setup(s, { maxVolumeParticipation: 0.1 });
    broker.submit(order({ side: "buy", quantity: 2.5 }), 0);
    for (let i = 1; i < 4; i++) broker.processBar(s.symbol, i);
    expect(fills.map((f) => f.quantity)).toEqual([1, 1, 0.5]);
    expect(portfolio.positionQuantity(s.symbol)).toBeCloseTo(2.5, 12);
  });

  it("rounds the quantity down to the lot size and rejects orders below the minimum notional", () => {
    const s = bars([[100, 101, 99, 100]]);
    const { broker, order } = setup(s, {}, { ...noFees, lotSize: 0.01, minQuantity: 0.01, minNotional: 10 });
    const ok = broker.submit(order({ side: "buy", quantity: 0.12345 }), 0);
    expect(ok.accepted && ok.order.quantity).toBe(0.12);
    const small = broker.submit(order({ side: "buy", quantity: 0.05 }), 0);
    expect(small).toEqual({ accepted: false, reason: expect.stringMatching(/below the minimum notional 10/) });
    const dust = broker.submit(order({ side: "buy", quantity: 0.001 }), 0);
    expect(dust.accepted).toBe(false);
  });

  it("shrinks an order that needs more margin than is free", () => {
    const s = bars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
    ]);
    const { broker, fills, order } = setup(s, {}, noFees, 1000);
    broker.submit(order({ side: "buy", quantity: 50 }), 0);
    broker.processBar(s.symbol, 1);
    expect(fills[0]?.quantity).toBeCloseTo(10, 9);
  });
});

describe("SimulatedBroker: attached exits", () => {
  const entry = (attach: OrderRequest["attach"]) => ({ side: "buy" as const, quantity: 1, attach });

  it("fills a stop-loss at its price when the bar's range touches it", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 100.5, 97, 99],
    ]);
    const { broker, fills, trades, order } = setup(s);
    broker.submit(order(entry({ stopLossPct: 0.02 })), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(fills[1]).toMatchObject({ price: 98, reason: "stop-loss", side: "sell" });
    expect(trades[0]?.netPnl).toBeCloseTo(-2, 9);
  });

  it("fills a stop at the open when the bar gaps through it", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [95, 96, 94, 95],
    ]);
    const { broker, fills, order } = setup(s);
    broker.submit(order(entry({ stopLossPct: 0.02 })), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(fills[1]?.price).toBe(95);
    expect(fills[1]?.reason).toMatch(/stop-loss \(gap through 98/);
  });

  it("assumes the stop fills first when one bar touches both stop and target", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100.5, 99.5, 100],
      [100, 106, 97, 100],
    ]);
    const { broker, fills, order } = setup(s);
    broker.submit(order(entry({ stopLossPct: 0.02, takeProfitPct: 0.05 })), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(fills[1]).toMatchObject({ price: 98, reason: "stop-loss" });
  });

  it("fills the take-profit at the open when the bar opens beyond the target, though it later reaches the stop", () => {
    // Entry 100, stop 98, target 105. The bar opens at 106 (beyond the target) and falls to 97 (through the stop):
    // the first price traded is 106, so the take-profit fills there, as a maker, and the stop never does.
    const s = bars([
      [100, 100, 100, 100],
      [100, 100.5, 99.5, 100],
      [106, 106, 97, 97],
    ]);
    const { broker, fills, order } = setup(s);
    broker.submit(order(entry({ stopLossPct: 0.02, takeProfitPct: 0.05 })), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(fills).toHaveLength(2);
    expect(fills[1]).toMatchObject({ price: 106, liquidity: "maker" });
    expect(fills[1]?.reason).toMatch(/^take-profit \(gap through 105/);
  });

  it("fills a take-profit at its price with the maker fee", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100.5, 99.5, 100],
      [100, 106, 99, 105],
    ]);
    const { broker, fills, order } = setup(s, {}, { ...noFees, makerFee: 0.0002, takerFee: 0.001 });
    broker.submit(order(entry({ takeProfitPct: 0.05 })), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(fills[1]).toMatchObject({ price: 105, reason: "take-profit", liquidity: "maker" });
    expect(fills[1]?.fee).toBeCloseTo(105 * 0.0002, 12);
  });

  it("moves a trailing stop with each closed bar's high and fills when price falls back", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 110, 100, 109],
      [109, 109, 106, 107],
    ]);
    const { broker, fills, order } = setup(s);
    broker.submit(order(entry({ trailingPct: 0.02 })), 0);
    for (let i = 1; i < 4; i++) broker.processBar(s.symbol, i);
    // anchor 110 after bar 2 → stop 107.8, touched by bar 3's low 106.
    expect(fills[1]?.price).toBeCloseTo(107.8, 9);
  });

  it("closes after the configured number of bars at the next open", () => {
    const rows: [number, number, number, number][] = [];
    for (let i = 0; i < 6; i++) rows.push([100 + i, 101 + i, 99 + i, 100 + i]);
    const s = bars(rows);
    const { broker, fills, order } = setup(s);
    broker.submit(order(entry({ maxBars: 2 })), 0);
    for (let i = 1; i < 6; i++) broker.processBar(s.symbol, i);
    expect(fills).toHaveLength(2);
    expect(fills[1]).toMatchObject({ price: 104, reason: "time exit after 2 bars" });
  });

  it("protects a position opened at the open from that same bar", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 97, 99],
    ]);
    const { broker, fills, order } = setup(s);
    broker.submit(order(entry({ stopLossPct: 0.02 })), 0);
    broker.processBar(s.symbol, 1);
    expect(fills.map((f) => f.reason)).toEqual(["test", "stop-loss"]);
  });
});

describe("SimulatedBroker: resting orders", () => {
  it("fills a buy limit at its price when the low reaches it, or at a lower open", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 101, 97, 99],
      [90, 91, 89, 90],
    ]);
    const { broker, fills, order } = setup(s);
    broker.submit(order({ side: "buy", quantity: 1, type: "limit", limitPrice: 98 }), 0);
    broker.submit(order({ side: "buy", quantity: 1, type: "limit", limitPrice: 95 }), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(fills.map((f) => [f.price, f.liquidity])).toEqual([
      [98, "maker"],
      [90, "maker"],
    ]);
  });

  it("fills a buy stop at the stop price plus slippage when the high reaches it", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 103, 99, 102],
    ]);
    const { broker, fills, order } = setup(s, { slippage: fixedBps(10) });
    broker.submit(order({ side: "buy", quantity: 1, type: "stop", stopPrice: 102 }), 0);
    broker.processBar(s.symbol, 1);
    expect(fills[0]?.price).toBeCloseTo(102.11, 9);
    expect(fills[0]?.liquidity).toBe("taker");
  });

  it("turns a stop-limit into a resting limit once triggered", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 103, 99, 102],
      [102, 102, 100, 101],
    ]);
    const { broker, fills, order } = setup(s);
    // Trigger at 102 but pay at most 101: not fillable on the trigger bar, fills at 101 the bar after.
    broker.submit(order({ side: "buy", quantity: 1, type: "stop-limit", stopPrice: 102, limitPrice: 101 }), 0);
    broker.processBar(s.symbol, 1);
    expect(fills).toHaveLength(0);
    broker.processBar(s.symbol, 2);
    expect(fills[0]?.price).toBe(101);
  });

  it("rejects a limit order without a price", () => {
    const s = bars([[100, 100, 100, 100]]);
    const { broker, order } = setup(s);
    expect(broker.submit(order({ side: "buy", quantity: 1, type: "limit" }), 0)).toEqual({
      accepted: false,
      reason: "limit order needs a positive limit price",
    });
  });
});

describe("SimulatedBroker: shorts, leverage and funding", () => {
  it("books a short's profit when price falls", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [90, 90, 90, 90],
      [90, 90, 90, 90],
    ]);
    const { broker, trades, order, portfolio } = setup(s);
    broker.submit(order({ side: "sell", quantity: 2 }), 0);
    broker.processBar(s.symbol, 1);
    broker.processBar(s.symbol, 2);
    expect(portfolio.equity()).toBeCloseTo(10_020, 9);
    broker.submit(order({ side: "buy", quantity: 2, reduceOnly: true }), 2);
    broker.processBar(s.symbol, 3);
    expect(trades[0]).toMatchObject({ side: "short", entryPrice: 100, exitPrice: 90 });
    expect(trades[0]?.netPnl).toBeCloseTo(20, 9);
  });

  it("liquidates a 10x long at its liquidation price and loses the margin", () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [95, 96, 90, 91],
    ]);
    const { broker, fills, order, portfolio } = setup(s, {}, noFees, 1000);
    broker.submit(order({ side: "buy", quantity: 50, leverage: 10 }), 0);
    broker.processBar(s.symbol, 1);
    expect(portfolio.liquidationPrice(s.symbol)).toBeCloseTo(90.5, 9);
    broker.processBar(s.symbol, 2);
    expect(fills[1]).toMatchObject({ reason: "liquidation" });
    expect(fills[1]?.price).toBeCloseTo(90.5, 9);
    // Margin 500; loss 50 × 9.5 = 475 (the maintenance margin 25 is what is left of it).
    expect(portfolio.equity()).toBeCloseTo(525, 9);
  });

  it("charges longs funding at each funding time when the rate is positive", () => {
    const rows: [number, number, number, number][] = [];
    for (let i = 0; i < 18; i++) rows.push([100, 100, 100, 100]);
    const s = bars(rows);
    const { broker, order, portfolio } = setup(s, { funding: { intervalMs: 8 * 3_600_000, rateAt: () => 0.0001 } });
    broker.submit(order({ side: "buy", quantity: 10 }), 0);
    for (let i = 1; i < 18; i++) broker.processBar(s.symbol, i);
    // Funding at 08:00 and 16:00 (bars 8 and 16): 2 × 10 × 100 × 0.0001.
    expect(portfolio.fundingPaid).toBeCloseTo(0.2, 12);
    expect(portfolio.cash).toBeCloseTo(10_000 - 0.2, 9);
  });
});

describe("SimulatedBroker: snapshot", () => {
  it("restores working orders and attached exits so that a restarted venue fills exactly as the original would", () => {
    const s = bars([
      [100, 101, 99, 100],
      [100, 102, 99, 101],
      [101, 104, 100, 103],
      [103, 103, 90, 92],
      [92, 93, 91, 92],
    ]);
    const run = (restartAt: number | undefined) => {
      let current = setup(s);
      const { broker, order } = current;
      broker.submit(order({ side: "buy", quantity: 1, attach: { trailingPct: 0.02 } }), 0);
      broker.submit(order({ side: "buy", quantity: 1, type: "limit", limitPrice: 91.5, reduceOnly: false }), 0);
      const fills: Fill[] = [];
      for (let i = 1; i < s.length; i++) {
        if (i === restartAt) {
          const saved = JSON.parse(
            JSON.stringify({ venue: current.venue.snapshot(), account: current.portfolio.snapshot() }),
          );
          fills.push(...current.fills);
          current = setup(s, {}, noFees, 10_000, Portfolio.restore(saved.account));
          current.venue.restore(saved.venue);
        }
        current.broker.processBar(s.symbol, i);
      }
      return [...fills, ...current.fills];
    };
    const uninterrupted = run(undefined);
    expect(uninterrupted.map((f) => f.reason)).toContain("stop-loss");
    expect(run(3)).toEqual(uninterrupted);
  });
});
