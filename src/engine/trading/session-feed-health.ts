import { FeedMonitor } from "../../data/feed/feed-monitor.js";
import type { CancelTimer, Clock } from "../../domain/clock.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import type { EventBus } from "../events.js";
import type { TradingSessionOptions } from "./session-options.js";

/**
 * The feed monitor of a session: each problem and recovery becomes a session event, and a problem (which blocks
 * new entries on its symbol) an alert at once.
 */
export function sessionFeedMonitor(
  options: TradingSessionOptions,
  bus: EventBus,
  event: (time: number, type: string, payload: unknown) => void,
): FeedMonitor {
  const barMs = TIMEFRAMES[options.timeframe];
  return new FeedMonitor(
    options.slots.map((s) => s.symbol),
    { barMs, ...(options.minStaleMs !== undefined ? { minStaleMs: options.minStaleMs } : {}) },
    (problem) => {
      event(problem.time, problem.cleared ? "FEED_RECOVERED" : "FEED_PROBLEM", problem);
      if (!problem.cleared)
        bus.publish("ALERT", {
          time: problem.time,
          level: "warning",
          message: `${problem.symbol}: ${problem.problem} (${problem.detail}); new entries blocked`,
        });
    },
  );
}

/**
 * Asks `monitor` every `intervalMs` of `clock` whether a feed went stale (no bar arrives to tell it so). The
 * returned function stops the checks.
 */
export function checkStaleEvery(monitor: FeedMonitor, clock: Clock, intervalMs: number): CancelTimer {
  let cancel: CancelTimer | undefined;
  let stopped = false;
  const schedule = (): void => {
    const due = clock.now() + intervalMs;
    cancel = clock.setTimer(intervalMs, () => {
      monitor.checkStale(clock.now(), due);
      if (!stopped) schedule();
    });
  };
  schedule();
  return () => {
    stopped = true;
    cancel?.();
  };
}
