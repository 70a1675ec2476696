import type { CandleSeries } from "../domain/candles.js";
import type { EventBus } from "../engine/events.js";
import type { SessionStatus } from "../engine/trading/session-status.js";
import type { StoreSession } from "../store/store.js";
import type { AegisMetrics } from "./aegis-metrics.js";
import type { DebateSource } from "./debate-source.js";
import type { ReadinessRegistry } from "./readiness.js";
import type { ConfigView, SessionControl } from "./session-control.js";

/**
 * What the API serves from. `aegis trade` gives a live session (status, bus, control); `aegis serve` gives only a
 * store and the output folders, so every live-only part is optional and a route without it answers 503/404.
 */
export interface ApiContext {
  /** The store of the session or of a finished run; absent for a memory-only session. */
  readonly store: StoreSession | undefined;
  /** The trading session's name in the store (rows are filtered by it where the tables carry it). */
  readonly session: string | undefined;
  /** The live session's status now; absent in `aegis serve` (read-only). */
  readonly status?: () => SessionStatus;
  /** The live session's event bus: the WebSocket stream forwards its events. */
  readonly bus?: EventBus;
  /** The bars the session holds (warm-up included), for the chart; absent when nothing holds candles. */
  readonly candles?: CandleSource;
  /** Folders that hold `aegis backtest --out` / walk-forward results the report viewer may open. */
  readonly reportDirs: readonly string[];
  /** Folders that hold `aegis train ml --out` training runs, for the dashboard's model panel. */
  readonly modelDirs?: readonly string[];
  /** Where the API token and similar owner-only files live. */
  readonly dataDir: string;
  /** The live session's controls; absent in `aegis serve`, where control routes answer 409 "no live session". */
  readonly control?: SessionControl;
  /** Components that make the session ready (feeds, venue, store, alert channels, AI sources). */
  readonly readiness?: ReadinessRegistry;
  /** Prometheus metrics served at /metrics; the server times every answer into it. */
  readonly metrics?: AegisMetrics;
  /** The configuration with its changes (GET /api/config). */
  readonly config?: ConfigView;
  /** The architect ↔ auditor debate transcripts; absent until the store keeps them (the API then says none are stored). */
  readonly debates?: DebateSource;
  /** Injected so tests can fix time. */
  readonly now: () => number;
}

/** Candles by market: the live session's buffers (`sessionCandles` in routes/read-candles.ts) or a candle store. */
export interface CandleSource {
  /** The markets it holds, as symbol and timeframe. */
  markets(): readonly { readonly symbol: string; readonly timeframe: string }[];
  /** The bars of one market so far, oldest first; undefined when it holds none for it. */
  series(symbol: string, timeframe: string): CandleSeries | undefined;
}
