import type { Ticker } from "../heartbeat.js";

/**
 * A ticker driven by the test, with its clock: `tick()` is one interval gone by (`now` moves on by it), so heartbeat
 * tests need no real time and a slow machine never makes a tick late.
 */
export function handTicker() {
  let tick: (() => void) | undefined;
  let every: number | undefined;
  let time = 0;
  const ticker: Ticker = (ms, t) => {
    every = ms;
    tick = t;
    return () => {
      if (tick === t) tick = undefined;
    };
  };
  return {
    ticker,
    now: () => time,
    tick: () => {
      time += every ?? 0;
      tick?.();
    },
    get running() {
      return tick !== undefined;
    },
    get every() {
      return every;
    },
  };
}
