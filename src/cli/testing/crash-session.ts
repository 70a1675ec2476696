import type { CandleSeries } from "../../domain/candles.js";
import type { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { SessionStore, StepRecord } from "../../engine/trading/session-store.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { KillSwitch, killSwitchSchema } from "../../risk/guards/kill-switch.js";
import { RiskShield } from "../../risk/shield.js";
import type { MemoryStateStore } from "../../risk/state-store.js";
import type { Strategy } from "../../strategy/strategy.js";

export const H = 3_600_000;
export const CRASH_SYMBOL = "AAA/USDT";

/** The lifecycle's path from a new strategy to live, in order. */
export const PATH_TO_LIVE = ["backtested", "validated", "shadow", "awaiting-approval", "live-small", "live"] as const;

/** 200 hourly bars: flat at 100 with a small wiggle, then (`crash`) 30 % lower from bar 150, enough to trip a 5 % drawdown. */
export function crashMarket(crash = true): CandleSeries {
  const n = 200;
  const close = Float64Array.from({ length: n }, (_, i) => (crash && i >= 150 ? 70 : 100 + (i % 2) * 0.1));
  return {
    symbol: CRASH_SYMBOL,
    timeframe: "1h",
    length: n,
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + i * H),
    open: close,
    high: close.map((c) => c * 1.001),
    low: close.map((c) => c * 0.999),
    close,
    volume: new Float64Array(n).fill(1e6),
  } as CandleSeries;
}

/**
 * A paper session named "paper" on `series` (one slot, 1 h bars, 10,000 cash, 100 warm-up bars, replayed on the
 * manual clock) whose risk shield is a kill switch tripping at a 5 % drawdown, latched in `latches`: the trip that
 * `aegis trade`'s automatic rollback reacts to.
 */
export function crashSession(options: {
  readonly series: CandleSeries;
  readonly clock: ManualClock;
  readonly latches: MemoryStateStore;
  readonly strategy: Strategy;
  readonly store: SessionStore;
  readonly onCommitted?: (step: StepRecord) => void;
}) {
  const { series, clock } = options;
  const feed = new ReplayFeed([series], H, clock);
  const killSwitch = new KillSwitch(
    options.latches,
    killSwitchSchema.parse({ rollingDrop: { enabled: false }, maxDrawdown: { pct: 5 } }),
  );
  const session = new TradingSession({
    session: "paper",
    slots: [{ symbol: series.symbol, strategy: options.strategy, instrument: defaultInstrument(series.symbol) }],
    timeframe: "1h",
    cash: 10_000,
    feed,
    store: options.store,
    clock,
    warmupBars: 100,
    buildShield: () => new RiskShield([killSwitch]),
    ...(options.onCommitted === undefined ? {} : { onCommitted: options.onCommitted }),
  });
  return { session, feed };
}
