/**
 * Retrying an async call with exponential backoff. The caller says which errors are worth another attempt
 * (`classify`) and supplies `sleep`, so tests run the whole schedule without waiting. No jitter: one client backing
 * off alone gains nothing from it, and a fixed schedule keeps runs reproducible.
 */

/** What to do about an error: give up at once, or try again (rate limits wait longer, or as long as the venue says). */
export type RetryVerdict =
  | { readonly retry: false }
  | { readonly retry: true; readonly kind: "transient" | "rate-limit"; readonly retryAfterMs?: number };

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  readonly maxAttempts?: number;
  /** First wait after a transient error, doubled each retry (default 1 000 ms). */
  readonly baseDelayMs?: number;
  /** First wait after a rate-limit error without Retry-After, doubled each retry (default 10 000 ms). */
  readonly rateLimitDelayMs?: number;
  /** Longest computed backoff (default 60 000 ms). A venue's Retry-After is not capped by it. */
  readonly maxDelayMs?: number;
  /** A Retry-After longer than this (an IP ban) fails at once instead of waiting (default 300 000 ms). */
  readonly maxRetryAfterMs?: number;
}

/** One retry about to happen: after failed attempt `attempt` (1-based), it waits `delayMs`. */
export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly kind: "transient" | "rate-limit";
  readonly error: unknown;
}

export interface RetryOptions extends RetryPolicy {
  readonly classify: (error: unknown) => RetryVerdict;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onRetry?: (event: RetryEvent) => void;
}

/** Every attempt failed with a retryable error; `cause` is the last one. */
export class RetryExhaustedError extends Error {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`still failing after ${attempts} attempts: ${describeError(cause)}`, { cause });
    this.name = "RetryExhaustedError";
    this.attempts = attempts;
  }
}

/** The venue asked to wait longer than the policy allows (typically Binance's HTTP 418 IP ban). */
export class RetryAfterTooLongError extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, limitMs: number, cause: unknown) {
    super(
      `the exchange asks to wait ${Math.ceil(retryAfterMs / 1000)} s before retrying (Retry-After), more than the ` +
        `${Math.round(limitMs / 1000)} s this download waits: ${describeError(cause)}`,
      { cause },
    );
    this.name = "RetryAfterTooLongError";
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Runs `operation` until it succeeds, `classify` calls an error final (rethrown as is), the attempts run out
 * (`RetryExhaustedError`), or a Retry-After exceeds `maxRetryAfterMs` (`RetryAfterTooLongError`).
 * `operation` receives the 1-based attempt number.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const verdict = options.classify(error);
      if (!verdict.retry) throw error;
      const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
      if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > maxRetryAfterMs) {
        throw new RetryAfterTooLongError(verdict.retryAfterMs, maxRetryAfterMs, error);
      }
      if (attempt >= maxAttempts) throw new RetryExhaustedError(attempt, error);
      const delayMs = backoffDelayMs(verdict, attempt, options);
      options.onRetry?.({ attempt, delayMs, kind: verdict.kind, error });
      await options.sleep(delayMs);
    }
  }
}

/**
 * The wait after failed attempt `attempt` (1-based): the venue's Retry-After when it gave one, otherwise
 * base × 2^(attempt−1) capped at maxDelayMs, with a ten times longer base for rate limits.
 */
export function backoffDelayMs(
  verdict: { readonly kind: "transient" | "rate-limit"; readonly retryAfterMs?: number },
  attempt: number,
  policy: RetryPolicy = {},
): number {
  if (verdict.retryAfterMs !== undefined) return Math.max(0, verdict.retryAfterMs);
  const base = verdict.kind === "rate-limit" ? (policy.rateLimitDelayMs ?? 10_000) : (policy.baseDelayMs ?? 1_000);
  return Math.min(policy.maxDelayMs ?? 60_000, base * 2 ** (attempt - 1));
}

/**
 * Milliseconds to wait from an HTTP Retry-After header value: delay-seconds ("120") or an HTTP date
 * (relative to `nowMs`). `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
