import type { CancelTimer, Clock } from "../domain/clock.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ScheduleOptions {
  /** UTC hour of the daily summary (0–23; default 0, midnight UTC); null turns it off. */
  readonly dailyHourUtc?: number | null;
  /** Hourly status report at each full hour (default on). */
  readonly hourly?: boolean;
  /** Heartbeat period in ms (default 6 h); 0 turns it off. */
  readonly heartbeatMs?: number;
}

/**
 * Calls `run` at each period boundary on the clock: the next `offset + k·period` after now. Re-armed after each
 * call, so a clock that jumps (a suspended laptop) fires once and continues on the grid, never in a burst.
 */
export function every(clock: Clock, periodMs: number, offsetMs: number, run: () => void): CancelTimer {
  let cancel: CancelTimer = () => {};
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const now = clock.now();
    const next = Math.floor((now - offsetMs) / periodMs) * periodMs + offsetMs + periodMs;
    cancel = clock.setTimer(next - now, () => {
      run();
      arm();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}

/** The three timed reports: daily summary, hourly status, heartbeat (the heartbeat counts from the start). */
export function startSchedules(
  clock: Clock,
  options: ScheduleOptions,
  run: { daily(): void; hourly(): void; heartbeat(): void },
): CancelTimer {
  const cancels: CancelTimer[] = [];
  const dailyHour = options.dailyHourUtc === undefined ? 0 : options.dailyHourUtc;
  if (dailyHour !== null) {
    if (!(Number.isInteger(dailyHour) && dailyHour >= 0 && dailyHour <= 23))
      throw new RangeError(`the daily summary hour must be 0..23 (UTC), got ${dailyHour}`);
    cancels.push(every(clock, DAY, dailyHour * HOUR, run.daily));
  }
  if (options.hourly ?? true) cancels.push(every(clock, HOUR, 0, run.hourly));
  const heartbeat = options.heartbeatMs ?? 6 * HOUR;
  if (heartbeat > 0) cancels.push(every(clock, heartbeat, clock.now() % heartbeat, run.heartbeat));
  return () => {
    for (const cancel of cancels) cancel();
  };
}
