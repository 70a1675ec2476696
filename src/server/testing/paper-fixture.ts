import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { CandleSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { sessionStatus } from "../../engine/trading/session-status.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { riskConfigSchema } from "../../risk/config.js";
import { RiskShield } from "../../risk/shield.js";
import type { RiskStateStore } from "../../risk/state-store.js";
import { openStore } from "../../store/open-store.js";
import { openRiskState } from "../../store/risk-state.js";
import type { Store } from "../../store/store.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { ApiContext } from "../context.js";
import { sessionCandles } from "../routes/read-candles.js";

export const HOUR = 3_600_000;
export const SESSION = "paper-web";

export interface PaperFixture {
  readonly dir: string;
  readonly store: Store;
  /** The durable risk latches the session's shield reads (kill switch, macro risk, stability lock). */
  readonly risk: RiskStateStore;
  readonly session: TradingSession;
  readonly feed: ReplayFeed;
  readonly clock: ManualClock;
  readonly series: readonly CandleSeries[];
  readonly ctx: ApiContext;
  /** Delivers the bars closing up to `time` and waits until their steps are in the store. */
  advance(time: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real paper session (seeded simulated markets, the sma-cross strategy, the default risk shield) trading into a
 * real SQLite store in a temp folder, with the ApiContext `aegis trade` would give the API.
 */
export async function paperFixture(
  options: { bars?: number; liveFrom?: number; reportDirs?: string[] } = {},
): Promise<PaperFixture> {
  const dir = mkdtempSync(join(tmpdir(), "aegis-web-"));
  const bars = options.bars ?? 600;
  const series = [
    simulateMarket({ seed: 41, bars, symbol: "BTC/USDT" }).series,
    simulateMarket({ seed: 42, bars, symbol: "ETH/USDT" }).series,
  ];
  const first = series[0] as CandleSeries;
  const clock = new ManualClock((first.time[options.liveFrom ?? 200] as number) + HOUR);
  const store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
  const latches = await openRiskState(store);
  const risk = createRiskRuntime(riskConfigSchema.parse({}), { store: latches });
  const feed = new ReplayFeed(series, HOUR, clock);
  const strategy = loadStrategy("sma-cross", { fast: 5, slow: 20, stopLoss: 2 });
  const session = new TradingSession({
    session: SESSION,
    slots: series.map((s) => ({
      symbol: s.symbol,
      strategy,
      instrument: defaultInstrument(s.symbol),
      size: { type: "percent-equity", value: 40 },
    })),
    timeframe: "1h",
    cash: 10_000,
    feed,
    store: new StoreSessionStore(store, "paper"),
    clock,
    warmupBars: 5000,
    buildShield: () => new RiskShield(risk.shield.layers),
  });
  await session.start();
  const ctx: ApiContext = {
    store,
    session: SESSION,
    status: () => sessionStatus(session, clock.now()),
    bus: session.bus,
    candles: sessionCandles(session),
    reportDirs: options.reportDirs ?? [],
    dataDir: dir,
    now: () => clock.now(),
  };
  return {
    dir,
    store,
    risk: latches,
    session,
    feed,
    clock,
    series,
    ctx,
    async advance(time) {
      feed.deliverUntil(time);
      await session.flushed();
    },
    async close() {
      await session.stop();
      await latches.close().catch(() => {});
      await store.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
