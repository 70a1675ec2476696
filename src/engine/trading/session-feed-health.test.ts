import { describe, expect, it } from "vitest";
import { FeedMonitor } from "../../data/feed/feed-monitor.js";
import { ManualClock } from "../../domain/clock.js";
import { checkStaleEvery } from "./session-feed-health.js";

const HOUR = 3_600_000;
const bar = { time: 0, open: 100, high: 101, low: 99, close: 100, volume: 1 };

describe("checkStaleEvery", () => {
  it("flags a feed that stopped delivering bars at the first check past the stale limit, and stops when cancelled", () => {
    const clock = new ManualClock(HOUR);
    const events: { problem: string; time: number }[] = [];
    const monitor = new FeedMonitor(["BTC/USDT"], { barMs: HOUR }, (e) => events.push(e));
    monitor.onClosedBar("BTC/USDT", bar, clock.now());
    const stop = checkStaleEvery(monitor, clock, HOUR);
    // The next bar was due at 2h; three bar lengths past that (5h) is the limit, so the check at 6h flags it.
    clock.set(5 * HOUR);
    expect(events).toEqual([]);
    clock.set(6 * HOUR);
    expect(events).toMatchObject([{ problem: "stale", time: 6 * HOUR }]);
    expect(clock.pending).toBe(1);
    stop();
    expect(clock.pending).toBe(0);
  });
});
