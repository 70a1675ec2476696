import type { Ticker } from "../heartbeat.js";

/** A ticker driven by the test: `tick()` is one interval gone by, so heartbeat tests need no real time. */
export function handTicker() {
  let tick: (() => void) | undefined;
  let every: number | undefined;
  const ticker: Ticker = (ms, t) => {
    every = ms;
    tick = t;
    return () => {
      if (tick === t) tick = undefined;
    };
  };
  return {
    ticker,
    tick: () => tick?.(),
    get running() {
      return tick !== undefined;
    },
    get every() {
      return every;
    },
  };
}
