import { describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import type { Alert } from "./alert.js";
import { type ChannelPolicy, ChannelQueue } from "./channel-queue.js";
import { SendError, type Transport } from "./send-error.js";
import { deferred, memoryLogger } from "./testing/memory-logger.js";

/** A transport whose every send waits for the test to settle it. */
function scriptedTransport() {
  const calls: { subject: string; text: string; settle: ReturnType<typeof deferred<void>> }[] = [];
  const transport: Transport = {
    name: "test",
    maxChars: 4096,
    send(message, signal) {
      const settle = deferred<void>();
      signal.addEventListener("abort", () => settle.reject(new Error("aborted")));
      calls.push({ ...message, settle });
      return settle.promise;
    },
  };
  return { transport, calls };
}

const alert = (i: number, level: Alert["level"] = "info"): Alert => ({
  kind: "trade",
  level,
  time: i * 1000,
  title: `alert ${i}`,
});

function setup(policy: Partial<ChannelPolicy> = {}) {
  const clock = new ManualClock(0);
  const { transport, calls } = scriptedTransport();
  const log = memoryLogger();
  const queue = new ChannelQueue({ transport, clock, logger: log.logger, policy });
  /** Lets the promise callbacks of a settled send run. */
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { clock, calls, queue, log, tick };
}

describe("ChannelQueue", () => {
  it("coalesces a burst within the batching window into one message", () => {
    const { clock, calls, queue } = setup({ batchMs: 2000 });
    for (let i = 0; i < 7; i++) queue.enqueue(alert(i));
    expect(calls).toHaveLength(0);
    clock.advance(1999);
    expect(calls).toHaveLength(0);
    clock.advance(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.subject).toBe("Aegis: 7 alerts");
    for (let i = 0; i < 7; i++) expect(calls[0]?.text).toContain(`alert ${i}`);
  });

  it("sends a critical alert without waiting for the batching window", () => {
    const { clock, calls, queue } = setup({ batchMs: 2000 });
    queue.enqueue(alert(1));
    queue.enqueue(alert(2, "critical"));
    clock.advance(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.subject).toContain("2 alerts");
  });

  it("paces messages with the token bucket once the burst is spent", async () => {
    const { clock, calls, queue, tick } = setup({ batchMs: 0, burst: 2, perMinute: 6, maxBatch: 1 });
    for (let i = 0; i < 4; i++) queue.enqueue(alert(i));
    for (let sent = 0; sent < 2; sent++) {
      clock.advance(0);
      calls[sent]?.settle.resolve();
      await tick();
    }
    expect(calls).toHaveLength(2);
    // The bucket is empty: the third message waits for one token (10 s at 6 a minute).
    clock.advance(9_999);
    expect(calls).toHaveLength(2);
    clock.advance(1);
    expect(calls).toHaveLength(3);
  });

  it("waits as long as a 429's retry-after asks, then sends the same alerts with those that came meanwhile", async () => {
    const { clock, calls, queue, tick } = setup({ batchMs: 0 });
    queue.enqueue(alert(1));
    clock.advance(0);
    calls[0]?.settle.reject(new SendError("HTTP 429", { transient: true, retryAfterMs: 30_000 }));
    await tick();
    expect(queue.health().retryAt).toBe(30_000);
    queue.enqueue(alert(2));
    clock.advance(29_999);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.text).toContain("alert 1");
    expect(calls[1]?.text).toContain("alert 2");
    calls[1]?.settle.resolve();
    await tick();
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1, failures: 1, queued: 0, retryAt: null });
  });

  it("backs off exponentially on transient failures and drops the message after the last attempt", async () => {
    const { clock, calls, queue, tick, log } = setup({ batchMs: 0, backoffMs: 1000, maxAttempts: 3 });
    queue.enqueue(alert(1));
    clock.advance(0);
    const starts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      starts.push(clock.now());
      calls[attempt]?.settle.reject(new SendError("HTTP 502", { transient: true }));
      await tick();
      clock.advance(attempt === 0 ? 1000 : 2000);
    }
    expect(starts).toEqual([0, 1000, 3000]);
    expect(calls).toHaveLength(3);
    expect(queue.health()).toMatchObject({ healthy: false, dropped: 1, queued: 0, failures: 3 });
    expect(queue.health().lastError?.message).toBe("HTTP 502");
    expect(log.text()).toContain("message dropped after retries");
  });

  it("drops a message the service refuses for good (a wrong token) without retrying", async () => {
    const { clock, calls, queue, tick } = setup({ batchMs: 0 });
    queue.enqueue(alert(1));
    clock.advance(0);
    calls[0]?.settle.reject(new SendError("HTTP 401 Unauthorized", { transient: false }));
    await tick();
    clock.advance(600_000);
    expect(calls).toHaveLength(1);
    expect(queue.health()).toMatchObject({ dropped: 1, queued: 0, retryAt: null });
  });

  it("bounds the queue: drops info alerts first, counts and logs it, and says so in the next message", async () => {
    const { clock, calls, queue, tick, log } = setup({ batchMs: 0, maxQueue: 3, maxBatch: 10 });
    queue.enqueue(alert(0));
    clock.advance(0); // alert 0 is in flight; the others wait
    queue.enqueue(alert(1, "critical"));
    for (let i = 2; i < 6; i++) queue.enqueue(alert(i));
    // Queue [1!, 2, 3], then 4 and 5 each push out the oldest info alert (2, then 3).
    expect(queue.health()).toMatchObject({ queued: 3, dropped: 2 });
    expect(log.lines.filter((l) => l.includes("dropping alerts"))).toHaveLength(1);
    calls[0]?.settle.resolve();
    await tick();
    clock.advance(0);
    expect(calls[1]?.text).toContain("alert 1");
    expect(calls[1]?.text).toContain("alert 5");
    expect(calls[1]?.text).not.toContain("alert 2");
    expect(calls[1]?.text).not.toContain("alert 3");
    expect(calls[1]?.text).toContain("2 earlier alert(s) were dropped");
  });

  it("counts a send that never answers as failed once the timeout passes on the clock", async () => {
    const { clock, calls, queue, tick } = setup({ batchMs: 0, timeoutMs: 15_000 });
    queue.enqueue(alert(1));
    clock.advance(0);
    expect(calls).toHaveLength(1);
    clock.advance(15_000);
    await tick();
    expect(queue.health().lastError).toEqual({ time: 15_000, message: "timed out after 15000 ms" });
    expect(queue.health().retryAt).toBe(17_000);
  });

  it("returns from enqueue while a send hangs, and keeps accepting alerts", () => {
    const { clock, calls, queue } = setup({ batchMs: 0 });
    queue.enqueue(alert(0));
    clock.advance(0);
    for (let i = 1; i <= 50; i++) queue.enqueue(alert(i));
    expect(calls).toHaveLength(1);
    expect(queue.health().queued).toBe(50);
  });

  it("close sends what waits at once, ignoring the window, and refuses later alerts", async () => {
    const { calls, queue } = setup({ batchMs: 60_000 });
    queue.enqueue(alert(1));
    const closing = queue.close();
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    calls[0]?.settle.resolve();
    await closing;
    queue.enqueue(alert(2));
    expect(queue.health()).toMatchObject({ sent: 1, queued: 0 });
  });
});
