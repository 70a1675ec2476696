/**
 * Whether a role's endpoint is worth calling, as a small circuit breaker: after a failed request (retries
 * included) the role is down until `retryAt`, and every call before then fails at once instead of waiting for a
 * timeout on every bar. The wait doubles with each failed probe up to a cap; one good answer resets it.
 */
export interface HealthChange {
  readonly healthy: boolean;
  readonly detail: string;
  readonly time: number;
}

export interface BackoffPolicy {
  /** First wait after the role goes down (ms). */
  readonly baseMs: number;
  /** Longest wait between probes (ms). */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 15_000, capMs: 5 * 60_000 };

export class RoleHealth {
  #healthy = true;
  #failures = 0;
  #retryAt: number | undefined;
  #lastError: string | undefined;
  readonly #policy: BackoffPolicy;

  constructor(policy: BackoffPolicy = DEFAULT_BACKOFF) {
    this.#policy = policy;
  }

  get healthy(): boolean {
    return this.#healthy;
  }
  get retryAt(): number | undefined {
    return this.#retryAt;
  }
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** True while backing off: the caller fails fast without a request. */
  backingOff(now: number): boolean {
    return !this.#healthy && this.#retryAt !== undefined && now < this.#retryAt;
  }

  /** A request failed for good; returns the change when the role just went down. */
  failed(now: number, detail: string, retryAfterMs = 0): HealthChange | undefined {
    const wait = Math.min(this.#policy.capMs, this.#policy.baseMs * 2 ** this.#failures);
    this.#failures++;
    this.#retryAt = now + Math.max(wait, Math.min(retryAfterMs, this.#policy.capMs));
    this.#lastError = detail;
    if (!this.#healthy) return undefined;
    this.#healthy = false;
    return { healthy: false, detail, time: now };
  }

  /** The endpoint answered; returns the change when the role just recovered. */
  succeeded(now: number): HealthChange | undefined {
    this.#failures = 0;
    this.#retryAt = undefined;
    if (this.#healthy) return undefined;
    this.#healthy = true;
    return { healthy: true, detail: `answering again (last error: ${this.#lastError ?? "none"})`, time: now };
  }

  /** An answer that is no fault of the endpoint (invalid, refused) still says what went wrong last. */
  noted(detail: string): void {
    this.#lastError = detail;
  }
}
