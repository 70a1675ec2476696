/**
 * Downloading OHLCV history from a crypto exchange through CCXT into the candle store: validated, resumable,
 * page by page (each page is stored as it arrives, so a crash loses nothing already fetched), with retries on
 * transient errors and clear failures on the rest.
 */
import type { Exchange } from "ccxt";
import { isTimeframe, TIMEFRAMES, type Timeframe, timeframeMs } from "../../domain/timeframe.js";
import type { CandleStore } from "../store/candle-store.js";
import { classifyCcxtError, isCcxtError } from "./ccxt-errors.js";
import { type CcxtExchangeOptions, type CcxtModule, createCcxtExchange, loadCcxt } from "./ccxt-exchange.js";
import { asOhlcvRows, findInvalidBar } from "./ohlcv-validation.js";
import { RetryAfterTooLongError, RetryExhaustedError, type RetryPolicy, withRetry } from "./retry.js";

/** Why a download stopped. */
export type DownloadFailure =
  | "invalid-request"
  | "unsupported-timeframe"
  | "unknown-symbol"
  | "exchange-rejected"
  | "retries-exhausted"
  | "invalid-data";

/** A download failure; `reason` says which kind, `cause` holds the underlying (usually CCXT) error. */
export class DownloadError extends Error {
  readonly reason: DownloadFailure;
  constructor(reason: DownloadFailure, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "DownloadError";
    this.reason = reason;
  }
}

export interface DownloadCandlesOptions {
  /** CCXT exchange id (`binance`, `binanceusdm`, `kraken`, ...) or a client made by `createCcxtExchange`. */
  readonly exchange: string | Exchange;
  /** CCXT unified symbol: `BTC/USDT` (spot), `BTC/USDT:USDT` (USDT-margined perpetual). */
  readonly symbol: string;
  /** An Aegis timeframe the exchange also offers (`1m` ... `1w`). */
  readonly timeframe: string;
  /** Wanted history starts at this bar open time (Unix ms, inclusive). */
  readonly since: number;
  /** Wanted history ends before this bar open time (Unix ms, exclusive); default: now. */
  readonly until?: number;
  readonly store: CandleStore;
  /** Send REST requests to this origin instead of the exchange's (only with an exchange id). */
  readonly apiBaseUrl?: string;
  /** API keys, sandbox, timeout for the client (only with an exchange id); public candles need none. */
  readonly exchangeOptions?: Omit<CcxtExchangeOptions, "apiBaseUrl">;
  /** Current time in Unix ms; decides which bar is still forming. Default Date.now. */
  readonly clock?: () => number;
  /** Waits between retries; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after each stored page with bars stored so far, bars expected at most, and the newest stored time. */
  readonly onProgress?: (fetchedBars: number, expectedBars: number, lastTime: number) => void;
  /** Bars asked per request (default 1000, Binance's maximum). */
  readonly pageSize?: number;
  /** Retry schedule (default 5 attempts, 1 s doubling; rate limits 10 s doubling or Retry-After). */
  readonly retry?: RetryPolicy;
}

export interface DownloadCandlesResult {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Bars the exchange sent, all pages together (including any outside the window or still forming). */
  readonly fetched: number;
  /** Bars written to the store by this run. */
  readonly stored: number;
  /** Open time of the oldest and newest bar written by this run; undefined when none was. */
  readonly from: number | undefined;
  readonly to: number | undefined;
  /** True when bars already in the store were skipped: the run continued after the newest stored bar. */
  readonly resumed: boolean;
  /** Where the resumed part started (newest stored bar + one timeframe), when `resumed`. */
  readonly resumedFrom: number | undefined;
  /** OHLCV requests made (successful ones; retries are counted separately). */
  readonly pages: number;
  /** Requests repeated after a transient error or rate limit, market loading included. */
  readonly retries: number;
}

/** One stretch of bar open times to fetch, [start, end). */
interface Segment {
  readonly start: number;
  readonly end: number;
}

/**
 * Downloads closed bars of `symbol` at `timeframe` from `since` up to `until` (or now) into `store`, under the
 * exchange's id. Validates the symbol against the exchange's markets and the timeframe against both Aegis and the
 * exchange; continues after the newest stored bar when data is already there (and fills in front of the oldest when
 * `since` is earlier); drops the bar still forming (time + timeframe > now); validates each page before storing it.
 * Throws `DownloadError` (or `UnknownExchangeError` for an unknown exchange id); pages stored before a failure stay.
 */
export async function downloadCandles(options: DownloadCandlesOptions): Promise<DownloadCandlesResult> {
  const { symbol, store } = options;
  const timeframe = checkTimeframe(options.timeframe);
  const stepMs = timeframeMs(timeframe);
  const pageSize = options.pageSize ?? 1000;
  checkRequest(options, pageSize);
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const ccxt = await loadCcxt();
  const exchange =
    typeof options.exchange === "string"
      ? await createCcxtExchange(options.exchange, { ...options.exchangeOptions, apiBaseUrl: options.apiBaseUrl })
      : options.exchange;
  const context = `${exchange.id} ${symbol} ${timeframe}`;
  let retries = 0;
  const call = <T>(what: string, operation: (attempt: number) => Promise<T>): Promise<T> =>
    callExchange(ccxt, context, what, operation, {
      ...options.retry,
      sleep,
      classify: (error) => classifyCcxtError(ccxt, exchange, error, clock()),
      onRetry: () => retries++,
    });

  await call("loading markets", (attempt) => exchange.loadMarkets(attempt > 1));
  checkMarket(exchange, symbol, timeframe, context);

  // A bar is closed once its whole span has passed: time + step <= now.
  const end = Math.min(options.until ?? Number.POSITIVE_INFINITY, clock() - stepMs + 1);
  const { segments, resumedFrom } = plan(
    store.firstTime(exchange.id, symbol, timeframe),
    store.lastTime(exchange.id, symbol, timeframe),
    options.since,
    end,
    stepMs,
  );
  const expected = segments.reduce((sum, segment) => sum + Math.ceil((segment.end - segment.start) / stepMs), 0);

  let fetched = 0;
  let stored = 0;
  let pages = 0;
  let from: number | undefined;
  let to: number | undefined;
  for (const segment of segments) {
    let cursor = segment.start;
    while (cursor < segment.end) {
      const since = cursor;
      const page = await call(`fetchOHLCV since ${new Date(since).toISOString()}`, () =>
        exchange.fetchOHLCV(symbol, timeframe, since, pageSize),
      );
      pages++;
      fetched += page.length;
      const wanted = page.filter((row) => typeof row[0] === "number" && row[0] >= since && row[0] < segment.end);
      if (wanted.length === 0) break; // nothing more in this stretch (or the exchange ignores `since`)
      // A bar at or past the end (the forming bar, or one after `until`) means the stretch is complete.
      const reachedEnd = page.some((row) => typeof row[0] === "number" && row[0] >= segment.end);
      const problem = findInvalidBar(wanted);
      if (problem !== undefined) {
        throw new DownloadError(
          "invalid-data",
          `${context}: the exchange sent an invalid bar: ${problem}; page from ${new Date(since).toISOString()} rejected, nothing of it stored`,
        );
      }
      const rows = asOhlcvRows(wanted);
      store.upsert(exchange.id, symbol, timeframe, rows);
      stored += rows.length;
      const first = rows[0]![0];
      const last = rows[rows.length - 1]![0];
      from = from === undefined ? first : Math.min(from, first);
      to = to === undefined ? last : Math.max(to, last);
      cursor = last + stepMs;
      options.onProgress?.(stored, Math.max(expected, stored), last);
      if (reachedEnd) break;
    }
  }
  return {
    exchange: exchange.id,
    symbol,
    timeframe,
    fetched,
    stored,
    from,
    to,
    resumed: resumedFrom !== undefined,
    resumedFrom,
    pages,
    retries,
  };
}

/**
 * The stretches to fetch given what is stored ([first, last]) and what is wanted ([since, end)): before the oldest
 * stored bar, then after the newest. Bars between first and last are taken as complete (exchange gaps are real).
 * `resumedFrom` is set when stored bars overlap the wanted window and are therefore skipped.
 */
function plan(
  first: number | undefined,
  last: number | undefined,
  since: number,
  end: number,
  stepMs: number,
): { segments: Segment[]; resumedFrom: number | undefined } {
  if (first === undefined || last === undefined) {
    return { segments: since < end ? [{ start: since, end }] : [], resumedFrom: undefined };
  }
  const segments: Segment[] = [];
  if (since < first && since < end) segments.push({ start: since, end: Math.min(first, end) });
  const resumeAt = last + stepMs;
  const start = Math.max(since, resumeAt);
  if (start < end) segments.push({ start, end });
  const overlaps = last >= since && first < end;
  return { segments, resumedFrom: overlaps ? resumeAt : undefined };
}

/** Runs one exchange call under the retry policy; turns what escapes into a `DownloadError` naming the call. */
async function callExchange<T>(
  ccxt: CcxtModule,
  context: string,
  what: string,
  operation: (attempt: number) => Promise<T>,
  retry: Parameters<typeof withRetry>[1],
): Promise<T> {
  try {
    return await withRetry(operation, retry);
  } catch (error) {
    if (error instanceof RetryExhaustedError || error instanceof RetryAfterTooLongError) {
      throw new DownloadError("retries-exhausted", `${context}: ${what}: ${error.message}`, error);
    }
    if (isCcxtError(ccxt, error)) {
      const reason = error instanceof ccxt.BadSymbol ? "unknown-symbol" : "exchange-rejected";
      throw new DownloadError(reason, `${context}: ${what} failed: ${error.name}: ${error.message}`, error);
    }
    throw error;
  }
}

function checkTimeframe(timeframe: string): Timeframe {
  if (!isTimeframe(timeframe)) {
    throw new DownloadError(
      "unsupported-timeframe",
      `unknown timeframe "${timeframe}" (Aegis supports ${Object.keys(TIMEFRAMES).join(", ")})`,
    );
  }
  return timeframe;
}

function checkRequest(options: DownloadCandlesOptions, pageSize: number): void {
  const { since, until } = options;
  if (!Number.isSafeInteger(since))
    throw new DownloadError("invalid-request", `since must be a Unix time in ms, got ${since}`);
  if (until !== undefined) {
    if (!Number.isSafeInteger(until))
      throw new DownloadError("invalid-request", `until must be a Unix time in ms, got ${until}`);
    if (until <= since) {
      throw new DownloadError(
        "invalid-request",
        `until (${new Date(until).toISOString()}) must be after since (${new Date(since).toISOString()})`,
      );
    }
  }
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new DownloadError("invalid-request", `pageSize must be a positive integer, got ${pageSize}`);
  if (
    typeof options.exchange !== "string" &&
    (options.apiBaseUrl !== undefined || options.exchangeOptions !== undefined)
  ) {
    throw new DownloadError(
      "invalid-request",
      "apiBaseUrl and exchangeOptions apply only when the exchange is given by id; configure the client you pass instead",
    );
  }
}

function checkMarket(exchange: Exchange, symbol: string, timeframe: Timeframe, context: string): void {
  if (exchange.has["fetchOHLCV"] !== true) {
    throw new DownloadError("exchange-rejected", `${context}: ${exchange.id} offers no OHLCV history through CCXT`);
  }
  const markets = exchange.markets ?? {};
  if (!Object.hasOwn(markets, symbol)) {
    const suggestions = similarSymbols(exchange, symbol);
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(", ")}?` : "";
    throw new DownloadError(
      "unknown-symbol",
      `${exchange.id} has no market "${symbol}" (${Object.keys(markets).length} markets loaded)${hint}`,
    );
  }
  const offered = exchange.timeframes ?? {};
  if (!Object.hasOwn(offered, timeframe)) {
    const usable = Object.keys(offered).filter(isTimeframe);
    throw new DownloadError(
      "unsupported-timeframe",
      `${exchange.id} does not offer timeframe "${timeframe}" (it offers ${usable.join(", ") || "none Aegis knows"})`,
    );
  }
}

/** Markets a user probably meant: the one whose exchange id is what they typed (BTCUSDT), then same base asset. */
function similarSymbols(exchange: Exchange, symbol: string): string[] {
  const markets = Object.values(exchange.markets ?? {});
  const typed = symbol.replace(/[/:_-]/g, "").toUpperCase();
  const byId = markets.filter((market) => market.id?.toUpperCase() === typed).map((market) => market.symbol);
  const base = symbol.split("/")[0]?.toUpperCase();
  const sameBase = markets.filter((market) => market.base === base).map((market) => market.symbol);
  return [...new Set([...byId, ...sameBase])].slice(0, 5);
}
