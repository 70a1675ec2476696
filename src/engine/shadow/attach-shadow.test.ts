import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MemorySessionStore } from "../trading/session-store.js";
import { ReplayFeed } from "../trading/testing/replay-feed.js";
import { TradingSession } from "../trading/trading-session.js";
import { attachShadow } from "./attach-shadow.js";
import { ShadowEngine } from "./shadow-engine.js";

const H = 3_600_000;

describe("attachShadow", () => {
  it("steps the shadows once per committed session step, on the bars the session traded", async () => {
    const series = simulateMarket({ seed: 5, bars: 700, symbol: "AAA/USDT" }).series;
    const start = (series.time[300] as number) + H;
    const end = (series.time[series.length - 1] as number) + H;
    const clock = new ManualClock(start);
    const store = new MemorySessionStore();
    const feed = new ReplayFeed([series], H, clock);
    const instrument = defaultInstrument(series.symbol);
    const session = new TradingSession({
      session: "paper-shadow",
      slots: [{ symbol: series.symbol, strategy: loadStrategy("sma-cross"), instrument }],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store,
      clock,
      warmupBars: 300,
    });
    const shadow = new ShadowEngine({
      markets: [{ symbol: series.symbol, instrument }],
      timeframe: "1h",
      cash: 10_000,
      periodsPerYear: 8760,
    });
    shadow.add({ id: "ema", strategy: loadStrategy("ema-cross") });
    const stepped: number[] = [];
    attachShadow(
      session.bus,
      shadow,
      () => session.portfolio.equity(),
      (_reports, time) => stepped.push(time),
    );
    await session.start();
    feed.deliverUntil(end);
    await session.flushed();
    const committed = (store.steps.get("paper-shadow") ?? []).map((s) => s.state.close);
    expect(stepped).toEqual(committed);
    const [report] = shadow.reports(session.portfolio.equity());
    expect(report?.iterations).toBe(committed.length - 1);
    expect(report?.liveRoi).toBeCloseTo(session.portfolio.equity() / 10_000 - 1, 9);
    await session.stop();
  });
});
