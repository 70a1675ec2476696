import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { sliceSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { DecisionRecord } from "../decision.js";
import {
  describeOutcome,
  formatSessionStatus,
  marketOfSymbol,
  RealizedBySymbol,
  sessionStatus,
} from "./session-status.js";
import { MemorySessionStore } from "./session-store.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;

describe("session status", () => {
  it("shows equity against the starting cash, open positions with their P&L, last decisions and feed health", async () => {
    const series = simulateMarket({ seed: 5, bars: 600, symbol: "SIM/USDT" }).series;
    const clock = new ManualClock((series.time[100] as number) + H);
    const feed = new ReplayFeed([series], H, clock);
    const session = new TradingSession({
      session: "s",
      slots: [
        {
          symbol: "SIM/USDT",
          strategy: loadStrategy("sma-cross", { fast: 3, slow: 8 }),
          instrument: defaultInstrument("SIM/USDT"),
        },
      ],
      timeframe: "1h",
      cash: 1000,
      feed,
      store: new MemorySessionStore(),
      clock,
    });
    await session.start();
    feed.deliverUntil((series.time[599] as number) + H);
    await session.flushed();
    const status = sessionStatus(session, clock.now());
    expect(status.steps).toBe(499);
    expect(status.equity).toBe(session.portfolio.equity());
    expect(status.returnPct).toBeCloseTo((status.equity / 1000 - 1) * 100, 10);
    expect(status.lastDecisions.length).toBeGreaterThan(0);
    const text = formatSessionStatus(status, "Aegis paper");
    expect(text).toMatch(/^Aegis paper · \d{4}-\d\d-\d\d \d\d:\d\d UTC · step 499/);
    expect(text).toMatch(/equity [\d,]+\.\d\d \([+-]\d+\.\d\d %\)/);
    expect(text).toMatch(/feeds: 1 healthy/);
    expect(text.split("\n").length).toBeLessThanOrEqual(8);
    await session.stop();
  });

  it("names the layer and reason of a rejection, and the resizing layers of an order", () => {
    const base = {
      time: 0,
      symbol: "X",
      strategy: "s",
      price: 1,
      positionBefore: 0,
      votes: [],
      action: "buy" as const,
      orders: [],
    };
    const rejected: DecisionRecord = {
      ...base,
      reason: "entry",
      outcome: "rejected",
      risk: [
        {
          order: "buy 1",
          approved: false,
          quantity: 0,
          verdicts: [{ layer: "daily-loss", verdict: "deny", reason: "lost 2.1 % today" }],
        },
      ],
    };
    expect(describeOutcome(rejected)).toBe("rejected by daily-loss: lost 2.1 % today");
    const sent: DecisionRecord = {
      ...base,
      reason: "entry: fast crossed above slow",
      outcome: "orders-sent",
      risk: [
        {
          order: "buy 1",
          approved: true,
          quantity: 0.5,
          verdicts: [{ layer: "max-position", verdict: "scale", reason: "10 %", scale: 0.5 }],
        },
      ],
    };
    expect(describeOutcome(sent)).toBe("orders sent (entry: fast crossed above slow; resized by max-position)");
  });

  it("shows one portfolio market by market: crypto and equities with their positions, P&L and feed health", async () => {
    const btc = simulateMarket({ seed: 8, bars: 500, symbol: "BTC/USDT" }).series;
    const aapl = sliceSeries(simulateMarket({ seed: 9, bars: 500, symbol: "AAPL" }).series, 0, 500);
    (aapl.close as Float64Array)[450] = Number.NaN; // a broken AAPL bar: refused, and the next one follows a gap
    const clock = new ManualClock((btc.time[100] as number) + H);
    const feed = new ReplayFeed([btc, aapl], H, clock);
    const store = new MemorySessionStore();
    const realized = new RealizedBySymbol();
    const session = new TradingSession({
      session: "mixed",
      slots: [btc, aapl].map((series) => ({
        symbol: series.symbol,
        strategy: loadStrategy("sma-cross", { fast: 3, slow: 8 }),
        instrument: defaultInstrument(series.symbol, series.symbol === "AAPL" ? { lotSize: 1, minQuantity: 1 } : {}),
        size: { type: "percent-equity", value: 40 },
      })),
      timeframe: "1h",
      cash: 100_000,
      feed,
      store,
      clock,
      onCommitted: (step) => realized.add(step.trades),
    });
    await session.start();
    feed.deliverUntil((btc.time[451] as number) + H);
    await session.flushed();
    const marketOf = { "BTC/USDT": marketOfSymbol("BTC/USDT"), AAPL: marketOfSymbol("AAPL") };
    const status = sessionStatus(session, clock.now(), marketOf, realized);
    const markets = status.markets ?? {};
    expect(Object.keys(markets).sort()).toEqual(["crypto", "equities"]);
    expect(markets["crypto"]?.symbols).toEqual(["BTC/USDT"]);
    expect(markets["equities"]?.symbols).toEqual(["AAPL"]);
    const trades = store.all("mixed", "trades");
    for (const [name, symbol] of [
      ["crypto", "BTC/USDT"],
      ["equities", "AAPL"],
    ] as const) {
      const own = trades.filter((t) => t.symbol === symbol);
      expect(own.length).toBeGreaterThan(0);
      expect(markets[name]?.realizedPnl).toBeCloseTo(
        own.reduce((sum, t) => sum + t.netPnl, 0),
        6,
      );
      const position = status.positions.find((p) => p.symbol === symbol);
      expect(markets[name]?.unrealizedPnl).toBe(position?.unrealizedPnl ?? 0);
      expect(markets[name]?.exposure).toBeCloseTo(position ? Math.abs(position.quantity * position.markPrice) : 0, 9);
    }
    expect(markets["crypto"]?.healthy).toBe(true);
    expect(markets["equities"]?.healthy).toBe(false);
    expect(markets["equities"]?.problems.join()).toMatch(/AAPL gap: 1 bar\(s\) missing/);
    const text = formatSessionStatus(status, "Aegis paper");
    expect(text).toMatch(
      /\n {2}crypto: [01]\/1 open · exposure [\d,.]+ · P&L [+-][\d,.]+ \(realized -?[\d,.]+\) · healthy/,
    );
    expect(text).toMatch(/\n {2}equities: [01]\/1 open · .* · AAPL gap/);
    await session.stop();
  });
});
