/**
 * Which CCXT errors are worth retrying. CCXT sorts exchange errors into a tree: `OperationFailed` (and below it
 * `NetworkError`: timeouts, dropped connections, 5xx, maintenance, rate limits) means "the request may succeed if
 * repeated"; `ExchangeError` (bad symbol, authentication, insufficient funds, rejected parameters) means "repeating
 * the same request gets the same answer".
 */
import type { Exchange } from "ccxt";
import type { CcxtErrors } from "./ccxt-parts.js";
import { parseRetryAfterMs, type RetryVerdict } from "./retry.js";

/**
 * Classifies `error` thrown by a call on `exchange`: rate limits (DDoSProtection, RateLimitExceeded: HTTP 429/418)
 * retry after the venue's Retry-After when the last response carried one; other OperationFailed errors
 * (NetworkError, RequestTimeout, ExchangeNotAvailable, OnMaintenance, BadResponse) retry with backoff; anything
 * else (ExchangeError and its subclasses such as BadSymbol or AuthenticationError, and non-CCXT errors) is final.
 */
export function classifyCcxtError(ccxt: CcxtErrors, exchange: Exchange, error: unknown, nowMs: number): RetryVerdict {
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) {
    // CCXT records the failed response's headers before it throws, so these belong to the 429/418 itself.
    const retryAfterMs = parseRetryAfterMs(headerValue(exchange.last_response_headers, "retry-after"), nowMs);
    return retryAfterMs === undefined
      ? { retry: true, kind: "rate-limit" }
      : { retry: true, kind: "rate-limit", retryAfterMs };
  }
  if (error instanceof ccxt.OperationFailed) return { retry: true, kind: "transient" };
  return { retry: false };
}

/** True when `error` is any CCXT error (so its message already names the exchange and carries its answer). */
export function isCcxtError(ccxt: CcxtErrors, error: unknown): error is Error {
  return error instanceof ccxt.BaseError;
}

function headerValue(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
