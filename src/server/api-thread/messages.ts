import type { CandleSeries } from "../../domain/candles.js";
import type { EngineEvents, EventName } from "../../engine/events.js";
import type { SessionStatus } from "../../engine/trading/session-status.js";

/** What the API worker is started with: everything it needs to open its own store and listen (no live objects). */
export interface ApiWorkerData {
  /** `sqlite:<file>` or a postgres:// URL: the worker opens its own read-only connection (SQLite) or pool. */
  readonly storeUrl: string;
  readonly session: string;
  readonly reportDirs: readonly string[];
  readonly modelDirs: readonly string[];
  readonly dataDir: string;
  readonly configSource: string;
  readonly host: string;
  readonly port: number;
  readonly bodyLimit: number;
  readonly token: string;
  readonly protectReads: boolean;
  /** The latest status at start, so /api/status answers before the first step is committed. */
  readonly status: SessionStatus;
  /** Nice steps the worker thread takes above the trading thread's (Linux), which then wins a shared core; default 10. */
  readonly nice?: number;
}

/** The worker's questions that only the trading thread can answer. */
export type AskWhat =
  | { readonly what: "control"; readonly method: string; readonly args: readonly unknown[] }
  | { readonly what: "config-current" }
  | { readonly what: "config-history" }
  | { readonly what: "readiness" }
  | { readonly what: "metrics" }
  | { readonly what: "candles"; readonly have: readonly CandleMark[] };

/** What the worker already holds of a market, so that the trading thread sends only the bars after it. */
export interface CandleMark {
  readonly symbol: string;
  readonly timeframe: string;
  readonly first: number;
  readonly length: number;
}

/** New bars of one market: appended to what the worker holds (`from` = its length), or all of them (`from` = 0). */
export interface CandleUpdate {
  readonly symbol: string;
  readonly timeframe: string;
  readonly from: number;
  /** Columns of the bars from `from` on, copied (a view of the session's buffers would clone all of them). */
  readonly series: CandleSeries;
}

export type WorkerToMain =
  /** `tid`: the worker's thread id when its priority was lowered (thread-priority.ts). */
  | { readonly type: "listening"; readonly url: string; readonly tid?: number }
  | { readonly type: "listen-failed"; readonly code: string | undefined; readonly message: string }
  | ({ readonly type: "ask"; readonly id: number } & AskWhat)
  /** The bus events the worker's subscribers (the live stream) want now; empty = forward nothing. */
  | { readonly type: "listen"; readonly names: readonly EventName[] }
  /** An event batch was handled: the trading thread counts batches in flight to bound what a slow worker holds. */
  | { readonly type: "ack" }
  | { readonly type: "pong"; readonly id: number }
  /** The answer to a heartbeat: the worker's event loop turned since the beat was posted. */
  | { readonly type: "beat"; readonly id: number }
  /** The server has closed (answers in flight were sent): the worker may be terminated. */
  | { readonly type: "closed" };

/** An error crossing the thread boundary by name, so the worker rethrows the class the error handler maps to a code. */
export interface RemoteError {
  readonly name: string;
  readonly message: string;
  readonly field?: string;
  readonly statusCode?: number;
}

/** A child process's first message (a worker thread gets the same data as its `workerData`). */
export interface StartMessage {
  readonly type: "start";
  readonly data: ApiWorkerData;
}

export type MainToWorker =
  | { readonly type: "status"; readonly status: SessionStatus }
  | { readonly type: "events"; readonly events: readonly (readonly [EventName, EngineEvents[EventName]])[] }
  | { readonly type: "answer"; readonly id: number; readonly value: unknown }
  | { readonly type: "failed"; readonly id: number; readonly error: RemoteError }
  | { readonly type: "ping"; readonly id: number }
  /** The watchdog's heartbeat (heartbeat.ts): answered with a `beat` of the same id. */
  | { readonly type: "beat"; readonly id: number }
  /** Tests only: the worker blocks its event loop for good, as a runaway loop would (the watchdog's case). */
  | { readonly type: "hang" }
  /** Stop listening and finish the answers in flight (a stop asked over the API is answered before the exit). */
  | { readonly type: "close" };
