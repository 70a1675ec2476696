import type { Exchange } from "ccxt";
import { afterEach } from "vitest";
import { withAlpacaStockBars } from "../../../data/feed/alpaca-stock-bars.js";
import { CcxtFeed } from "../../../data/feed/ccxt-feed.js";
import type { ManualClock } from "../../../domain/clock.js";
import type { Timeframe } from "../../../domain/timeframe.js";
import { alpacaSimClient } from "../alpaca-client.js";
import { type AlpacaSim, type AlpacaSimOptions, startAlpacaSim } from "../alpaca-sim.js";

const H = 3_600_000;

/** Turns the event loop until `done()` (real HTTP is in flight); fails after 20 s of wall time instead of hanging. */
export async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A REST feed on the local Alpaca's stock bars that polls once an hour on the manual clock, as `aegis trade` polls
 * Alpaca. The feed's clock counts its poll loops asleep until their next hour: with one loop per symbol, all of them
 * asleep means every symbol has polled and the hour is done, which is what `waitForPolls` and `runHours` wait for.
 */
export function hourlyPolledFeed(
  client: Exchange,
  clock: ManualClock,
  options: { readonly timeframe: Timeframe; readonly symbols: number; readonly barClose?: (time: number) => number },
) {
  let sleeping = 0;
  const feedClock = {
    now: () => clock.now(),
    setTimer: (ms: number, callback: () => void) => {
      sleeping++;
      return clock.setTimer(ms, () => {
        sleeping--;
        callback();
      });
    },
  };
  const feed = new CcxtFeed({
    exchange: withAlpacaStockBars(client),
    timeframe: options.timeframe,
    clock: feedClock,
    webSocket: false,
    pollMs: H,
    settleMs: 0,
    ...(options.barClose === undefined ? {} : { barClose: options.barClose }),
  });
  const allAsleep = () => sleeping === options.symbols;
  return {
    feed,
    /** Waits until every symbol's poll loop has polled and sleeps again. */
    waitForPolls: (what: string) => until(allAsleep, what),
    /** Advances the clock hour by hour, letting each hour's polls and the steps they cause finish. */
    async runHours(session: { flushed(): Promise<void> }, hours: number): Promise<void> {
      for (let hour = 0; hour < hours; hour++) {
        clock.advance(H);
        await until(allAsleep, `the polls at hour ${hour}`);
        await session.flushed();
      }
    },
  };
}

/**
 * Registers an afterEach that closes the local Alpaca the test started; returns the start: the simulator and a CCXT
 * client pointed at it.
 */
export function alpacaSimPerTest(): (options: AlpacaSimOptions) => Promise<{ sim: AlpacaSim; client: Exchange }> {
  let sim: AlpacaSim | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return async (options) => {
    sim = await startAlpacaSim(options);
    return { sim, client: await alpacaSimClient(sim.url) };
  };
}
