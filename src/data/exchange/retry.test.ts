import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  parseRetryAfterMs,
  RetryAfterTooLongError,
  RetryExhaustedError,
  type RetryVerdict,
  withRetry,
} from "./retry.js";

class Transient extends Error {}
class RateLimited extends Error {
  constructor(readonly retryAfterMs?: number) {
    super("rate limited");
  }
}

function classify(error: unknown): RetryVerdict {
  if (error instanceof RateLimited) {
    return error.retryAfterMs === undefined
      ? { retry: true, kind: "rate-limit" }
      : { retry: true, kind: "rate-limit", retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof Transient) return { retry: true, kind: "transient" };
  return { retry: false };
}

/** An operation that throws the given errors in turn, then returns "ok". */
function failing(errors: Error[]): { run: (attempt: number) => Promise<string>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    run: async (attempt) => {
      attempts.push(attempt);
      const error = errors.shift();
      if (error !== undefined) throw error;
      return "ok";
    },
  };
}

function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe("withRetry", () => {
  it("retries transient errors with doubling waits and returns the eventual result", async () => {
    const op = failing([new Transient(), new Transient(), new Transient()]);
    const { sleep, waits } = recordingSleep();
    await expect(withRetry(op.run, { classify, sleep })).resolves.toBe("ok");
    expect(op.attempts).toEqual([1, 2, 3, 4]);
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  it("waits longer after a rate limit, and exactly the venue's Retry-After when given", async () => {
    const op = failing([new RateLimited(), new RateLimited(2500)]);
    const { sleep, waits } = recordingSleep();
    await withRetry(op.run, { classify, sleep });
    expect(waits).toEqual([10_000, 2500]);
  });

  it("gives up after maxAttempts with the last error as cause", async () => {
    const last = new Transient("last");
    const op = failing([new Transient(), new Transient(), last]);
    const { sleep, waits } = recordingSleep();
    const error = await withRetry(op.run, { classify, sleep, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect((error as RetryExhaustedError).attempts).toBe(3);
    expect((error as Error).cause).toBe(last);
    expect((error as Error).message).toContain("still failing after 3 attempts");
    expect(waits).toHaveLength(2);
  });

  it("rethrows a final error at once without waiting", async () => {
    const fatal = new Error("Invalid symbol");
    const op = failing([fatal]);
    const { sleep, waits } = recordingSleep();
    await expect(withRetry(op.run, { classify, sleep })).rejects.toBe(fatal);
    expect(op.attempts).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it("fails instead of waiting out a Retry-After longer than maxRetryAfterMs (an IP ban)", async () => {
    const op = failing([new RateLimited(3_600_000)]);
    const { sleep, waits } = recordingSleep();
    const error = await withRetry(op.run, { classify, sleep, maxRetryAfterMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryAfterTooLongError);
    expect((error as Error).message).toContain("wait 3600 s");
    expect(waits).toEqual([]);
  });

  it("reports each retry before waiting", async () => {
    const op = failing([new Transient()]);
    const events: unknown[] = [];
    await withRetry(op.run, { classify, sleep: async () => {}, onRetry: (event) => events.push(event) });
    expect(events).toEqual([{ attempt: 1, delayMs: 1000, kind: "transient", error: expect.any(Transient) }]);
  });

  it("rejects a maxAttempts below one", async () => {
    await expect(withRetry(async () => 1, { classify, sleep: async () => {}, maxAttempts: 0 })).rejects.toThrow(
      "maxAttempts must be a positive integer, got 0",
    );
  });
});

describe("backoffDelayMs", () => {
  it("caps the doubling at maxDelayMs", () => {
    expect(backoffDelayMs({ kind: "transient" }, 10)).toBe(60_000);
    expect(backoffDelayMs({ kind: "rate-limit" }, 3, { maxDelayMs: 25_000 })).toBe(25_000);
  });
});

describe("parseRetryAfterMs", () => {
  it("reads delay-seconds and HTTP dates, and nothing else", () => {
    const now = Date.UTC(2024, 0, 1, 12);
    expect(parseRetryAfterMs("120", now)).toBe(120_000);
    expect(parseRetryAfterMs(" 1.5 ", now)).toBe(1500);
    expect(parseRetryAfterMs("Mon, 01 Jan 2024 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
  });
});
