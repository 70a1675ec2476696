import { describe, expect, it } from "vitest";
import { ignoreSignalsBefore } from "../../backtest/ignore-signals-before.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { MemorySessionStore } from "../../engine/trading/session-store.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { loadStrategy } from "../../strategy/registry.js";
import { strategySource } from "../../strategy/signal-source.js";
import { tradeSources } from "./trade-sources.js";

const H = 3_600_000;

describe("two strategies on one symbol", () => {
  const series = simulateMarket({ seed: 43, bars: 1500, symbol: "AAA/USDT" }).series;
  const start = (series.time[300] as number) + H;
  const end = (series.time[series.length - 1] as number) + H;

  it("trade votes both in one slot, attributes trades to each, and a backtest with the same two gives the same trades", async () => {
    // As `aegis trade --symbols AAA/USDT --strategy sma-cross --strategy rsi-reversion` builds it.
    const ai = tradeSources(
      {
        strategy: ["sma-cross", "rsi-reversion"],
        symbols: ["AAA/USDT"],
        timeframe: "1h",
        learners: [],
        risk: undefined,
      },
      () => 10_000,
    );
    const strategy = ai.strategies.get("AAA/USDT");
    const voters = ai.sourcesFor("AAA/USDT");
    expect(strategy?.name).toBe("sma-cross");
    expect(voters.map((v) => [v.id, v.role])).toEqual([["rsi-reversion", "primary"]]);

    const clock = new ManualClock(start);
    const store = new MemorySessionStore();
    const feed = new ReplayFeed([series], H, clock);
    const session = new TradingSession({
      session: "paper-2",
      slots: [
        {
          symbol: "AAA/USDT",
          strategy: strategy as NonNullable<typeof strategy>,
          instrument: defaultInstrument("AAA/USDT"),
          size: { type: "percent-equity", value: 40 },
          sources: voters,
        },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store,
      clock,
      warmupBars: 5000,
    });
    await session.start();
    feed.deliverUntil(end);
    await session.flushed();
    await session.stop();

    // `aegis backtest --strategy sma-cross --strategy rsi-reversion`: the first is the slot's, the other votes.
    const backtest = runBacktest({
      feeds: [
        {
          series,
          strategy: ignoreSignalsBefore(strategy as NonNullable<typeof strategy>, start),
          size: { type: "percent-equity", value: 40 } as const,
          sources: [strategySource(ignoreSignalsBefore(loadStrategy("rsi-reversion"), start))],
        },
      ],
      cash: 10_000,
      closeAtEnd: false,
      runId: "paper-2",
    });
    const trades = store.all("paper-2", "trades");
    expect(trades.length).toBeGreaterThan(5);
    expect(trades).toEqual(backtest.trades);
    expect(store.all("paper-2", "decisions")).toEqual(backtest.decisions.filter((d) => d.time >= start));
    // Both strategies open trades, and each trade names the source(s) it came from.
    const sources = new Set(trades.map((t) => JSON.stringify(t.source)));
    expect([...sources].some((s) => s.includes("rsi-reversion"))).toBe(true);
    expect([...sources].some((s) => s.includes("sma-cross"))).toBe(true);
  });

  it("refuses the same strategy twice on a symbol and ai beside another strategy (exit 2 messages)", () => {
    const input = { symbols: ["AAA/USDT"], timeframe: "1h" as const, learners: [], risk: undefined };
    expect(() => tradeSources({ ...input, strategy: ["sma-cross", "sma-cross"] }, () => 1)).toThrow(
      /sma-cross is given twice for AAA\/USDT/,
    );
    expect(() => tradeSources({ ...input, strategy: ["ai", "sma-cross"] }, () => 1)).toThrow(
      /ai is already an ensemble/,
    );
  });
});
