/** Where "now" comes from. Backtests advance a simulated clock bar by bar; live trading reads the system clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: backtests, and tests of anything time-dependent. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  set(time: number): void {
    this.#now = time;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
