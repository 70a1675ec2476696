import { describe, expect, it } from "vitest";
import { NYSE } from "../data/calendar/exchange-calendar.js";
import { MarketHours } from "../data/calendar/market-hours.js";
import { seriesFromCandles } from "../domain/candles.js";
import { ManualClock } from "../domain/clock.js";
import { defaultInstrument } from "../domain/instrument.js";
import type { Fill } from "../domain/order.js";
import type { ProposedOrder, RiskContext } from "../risk/shield.js";
import { marketHoursLayer } from "./market-hours-layer.js";
import { Portfolio } from "./portfolio.js";
import { SimulatedBroker } from "./simulated-broker.js";

const at = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const hours = new MarketHours({ AAPL: NYSE });

const proposed = (reduceOnly: boolean): ProposedOrder => ({
  symbol: "AAPL",
  side: reduceOnly ? "sell" : "buy",
  quantity: 1,
  price: 100,
  reduceOnly,
  leverage: 1,
  confidence: 1,
  time: 0,
  strategy: "t",
});

describe("market-hours layer", () => {
  it("records 'market closed' for entries and exits sent while the market is closed, 'market open' otherwise", () => {
    const clock = new ManualClock(at("2024-01-03T21:00:00Z"));
    const layer = marketHoursLayer(hours, clock);
    const context = {} as RiskContext;
    expect(layer.check(proposed(false), context)).toEqual({
      layer: "market-hours",
      verdict: "allow",
      reason: "market closed (nyse) until 2024-01-04T14:30:00.000Z; entry held until the open",
    });
    expect(layer.check(proposed(true), context).reason).toMatch(/^market closed .*; exit held until the open$/);
    clock.set(at("2024-01-04T15:00:00Z"));
    expect(layer.check(proposed(false), context).reason).toBe("market open");
  });
});

describe("SimulatedBroker with market hours", () => {
  it("holds a market order sent at the close through the closed hours and fills it at the first bar in session", () => {
    // Hourly AAPL bars from 15:00 New York (20:00 UTC) into the next morning, extended hours included.
    const times = ["2024-01-03T20:00:00Z", "2024-01-03T21:00:00Z", "2024-01-04T13:00:00Z", "2024-01-04T14:30:00Z"];
    const s = seriesFromCandles(
      "AAPL",
      "1h",
      times.map((t, i) => ({ time: at(t), open: 100 + i, high: 101 + i, low: 99 + i, close: 100 + i, volume: 1000 })),
    );
    const fills: Fill[] = [];
    const venue = new SimulatedBroker(
      new Portfolio(10_000),
      { report: (r) => (r.type === "filled" ? fills.push(r.fill) : undefined) },
      { tradableBar: (symbol, time) => hours.tradableBar(symbol, time, H) },
    );
    venue.addMarket(defaultInstrument("AAPL", { lotSize: 1, minQuantity: 1, minNotional: 0 }), () => s);
    venue.processBar("AAPL", 0);
    venue.submit({ clientOrderId: "a-1", symbol: "AAPL", side: "buy", type: "market", quantity: 3, reason: "t" }, 0);
    venue.processBar("AAPL", 1); // 16:00 New York: closed
    venue.processBar("AAPL", 2); // 08:00 New York pre-market: closed
    expect(fills).toEqual([]);
    expect(venue.openOrders("AAPL")).toHaveLength(1);
    venue.processBar("AAPL", 3); // 09:30 New York: the open
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ price: 103, quantity: 3, time: at("2024-01-04T14:30:00Z") });
  });
});
