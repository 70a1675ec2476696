import type { Logger } from "pino";
import type { CancelTimer, Clock } from "../domain/clock.js";
import { type Alert, formatBatch } from "./alert.js";
import { networkErrorText, SendError, scrub, type Transport } from "./send-error.js";

export type NotifyLogger = Pick<Logger, "info" | "warn" | "error">;

/** How one channel paces itself. Defaults suit Telegram and Slack (about one message a second at most). */
export interface ChannelPolicy {
  /** Messages that may go out back to back (token bucket capacity). */
  readonly burst: number;
  /** Sustained messages per minute (token bucket refill). */
  readonly perMinute: number;
  /** Alerts arriving within this window of the first one go out as one message; critical ones skip the wait. */
  readonly batchMs: number;
  /** Alerts waiting beyond this are dropped (info ones first) and counted. */
  readonly maxQueue: number;
  /** Alerts in one message at most. */
  readonly maxBatch: number;
  /** A send that has not finished by then counts as failed (a hanging server). */
  readonly timeoutMs: number;
  /** Tries of one message before it is dropped. */
  readonly maxAttempts: number;
  /** First wait after a failure with no Retry-After, doubled at each further failure up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_POLICY: ChannelPolicy = {
  burst: 5,
  perMinute: 20,
  batchMs: 2_000,
  maxQueue: 200,
  maxBatch: 25,
  timeoutMs: 15_000,
  maxAttempts: 5,
  backoffMs: 2_000,
  maxBackoffMs: 300_000,
};

/** What the readiness check and the status line show about one channel. */
export interface ChannelHealth {
  readonly channel: string;
  /** False from a failed send until the next successful one. */
  readonly healthy: boolean;
  readonly lastSuccess: number | null;
  readonly lastError: { readonly time: number; readonly message: string } | null;
  /** Alerts waiting (including a message waiting to be retried). */
  readonly queued: number;
  /** Alerts given up: queue full, or a message that failed for good. */
  readonly dropped: number;
  /** Messages delivered. */
  readonly sent: number;
  readonly failures: number;
  /** When the next try is allowed after a 429 or a failure, if one is pending. */
  readonly retryAt: number | null;
}

/**
 * One alert channel's outbox: `enqueue` only pushes into a bounded array and maybe sets a timer, so a slow, failing
 * or hanging service never delays the caller (the engine's event bus). Sending happens later, on the clock: bursts
 * are coalesced into one message, a token bucket paces messages, a 429 is waited out for as long as the service
 * asks, other failures back off exponentially, and every outcome is logged and kept for `health()`.
 */
export class ChannelQueue {
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #log: NotifyLogger;
  readonly #policy: ChannelPolicy;
  readonly #secrets: readonly string[];
  #queue: Alert[] = [];
  /** A message that failed and waits for its retry; new alerts join it. */
  #retrying: Alert[] | undefined;
  #attempts = 0;
  #retryAt = 0;
  #tokens: number;
  #refilledAt: number;
  #timer: CancelTimer | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #droppedUnreported = 0;
  #closed = false;
  #lastSuccess: number | null = null;
  #lastError: { time: number; message: string } | null = null;
  #dropped = 0;
  #sent = 0;
  #failures = 0;
  #healthy = true;

  constructor(options: {
    transport: Transport;
    clock: Clock;
    logger: NotifyLogger;
    policy?: Partial<ChannelPolicy>;
    /** Texts that must never reach a log line or the health object. */
    secrets?: readonly string[];
  }) {
    this.#transport = options.transport;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#policy = { ...DEFAULT_POLICY, ...options.policy };
    this.#secrets = options.secrets ?? [];
    this.#tokens = this.#policy.burst;
    this.#refilledAt = options.clock.now();
  }

  get name(): string {
    return this.#transport.name;
  }

  /** Queues an alert and returns at once; never throws, never waits for the network. */
  enqueue(alert: Alert): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#policy.maxQueue) {
      const victim = this.#queue.findIndex((a) => a.level === "info");
      this.#queue.splice(Math.max(victim, 0), 1);
      this.#drop(1, "queue full");
    }
    this.#queue.push(alert);
    this.#schedule(alert.level === "critical" ? 0 : this.#policy.batchMs);
  }

  health(): ChannelHealth {
    return {
      channel: this.name,
      healthy: this.#healthy,
      lastSuccess: this.#lastSuccess,
      lastError: this.#lastError,
      queued: this.#queue.length + (this.#retrying?.length ?? 0),
      dropped: this.#dropped,
      sent: this.#sent,
      failures: this.#failures,
      retryAt: this.#retrying ? this.#retryAt : null,
    };
  }

  /** Resolves when the send in progress (if any) has finished: for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  /**
   * Shutdown: sends what waits now, ignoring the batching window and the pacing (one last try, bounded by the
   * send timeout), then refuses further alerts.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.settled();
    this.#timer?.();
    this.#timer = undefined;
    if (this.#queue.length > 0 || this.#retrying) {
      this.#tokens = Math.max(this.#tokens, 1);
      this.#retryAt = 0;
      this.#fire();
      await this.settled();
    }
    this.#transport.close?.();
  }

  #refill(now: number): void {
    const p = this.#policy;
    this.#tokens = Math.min(p.burst, this.#tokens + ((now - this.#refilledAt) * p.perMinute) / 60_000);
    this.#refilledAt = now;
  }

  /** Arms the timer for the earliest moment a message may go: after the window, the retry wait and a token. */
  #schedule(windowMs: number): void {
    if (this.#closed || this.#inFlight || (this.#queue.length === 0 && !this.#retrying)) return;
    const now = this.#clock.now();
    this.#refill(now);
    const tokenAt = this.#tokens >= 1 ? now : now + ((1 - this.#tokens) * 60_000) / this.#policy.perMinute;
    const due = Math.max(now + windowMs, this.#retrying ? this.#retryAt : 0, Math.ceil(tokenAt));
    if (this.#timer && this.#timerAt <= due) return;
    this.#timer?.();
    this.#timerAt = due;
    this.#timer = this.#clock.setTimer(due - now, () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#fire();
    });
  }

  #fire(): void {
    if (this.#inFlight) return;
    const now = this.#clock.now();
    this.#refill(now);
    if (this.#tokens < 1 || (this.#retrying && now < this.#retryAt)) {
      this.#schedule(0);
      return;
    }
    const batch = [...(this.#retrying ?? [])];
    batch.push(...this.#queue.splice(0, Math.max(0, this.#policy.maxBatch - batch.length)));
    if (batch.length === 0) return;
    this.#retrying = undefined;
    this.#tokens -= 1;
    const dropped = this.#droppedUnreported;
    this.#inFlight = this.#deliver(batch, dropped).finally(() => {
      this.#inFlight = undefined;
      this.#schedule(0);
    });
  }

  async #deliver(batch: Alert[], dropped: number): Promise<void> {
    const message = formatBatch(batch, this.#transport.maxChars, dropped);
    const controller = new AbortController();
    const timedOut = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () =>
        reject(new SendError(`timed out after ${this.#policy.timeoutMs} ms`, { transient: true })),
      );
    });
    const cancelTimeout = this.#clock.setTimer(this.#policy.timeoutMs, () => controller.abort());
    try {
      const sending = this.#transport.send(message, controller.signal);
      // A transport that ignores the signal (SMTP) still loses the race; its late answer is ignored.
      sending.catch(() => {});
      await Promise.race([sending, timedOut]);
      this.#attempts = 0;
      this.#sent++;
      this.#healthy = true;
      this.#lastSuccess = this.#clock.now();
      this.#droppedUnreported = Math.max(0, this.#droppedUnreported - dropped);
    } catch (error) {
      this.#failed(batch, error);
    } finally {
      cancelTimeout();
      timedOut.catch(() => {});
    }
  }

  #failed(batch: Alert[], error: unknown): void {
    const now = this.#clock.now();
    const sendError = error instanceof SendError ? error : new SendError(networkErrorText(error), { transient: true });
    const message = scrub(sendError.message, this.#secrets);
    this.#failures++;
    this.#healthy = false;
    this.#lastError = { time: now, message };
    this.#attempts++;
    if (!sendError.transient || this.#attempts >= this.#policy.maxAttempts) {
      this.#attempts = 0;
      this.#log.error(
        { channel: this.name, alerts: batch.length, error: message },
        sendError.transient ? "alert channel: message dropped after retries" : "alert channel: message refused",
      );
      this.#drop(batch.length, message);
      return;
    }
    const p = this.#policy;
    const wait = sendError.retryAfterMs ?? Math.min(p.maxBackoffMs, p.backoffMs * 2 ** (this.#attempts - 1));
    this.#retrying = batch;
    this.#retryAt = now + wait;
    this.#log.warn(
      { channel: this.name, alerts: batch.length, error: message, retryInMs: wait, attempt: this.#attempts },
      "alert channel: send failed, will retry",
    );
  }

  #drop(count: number, why: string): void {
    if (this.#droppedUnreported === 0)
      this.#log.warn({ channel: this.name, why: scrub(why, this.#secrets) }, "alert channel: dropping alerts");
    this.#dropped += count;
    this.#droppedUnreported += count;
  }
}
