import type { Portfolio } from "../../execution/portfolio.js";
import { SimulatedBroker } from "../../execution/simulated-broker.js";
import type { ClientVenue } from "../../execution/venue/client-venue.js";
import type { Engine } from "../engine.js";
import type { LiveRunner } from "../live-runner.js";
import type { SessionState } from "./session-store.js";

/** What the state of a session is made of: the engine, its runner and (testnet, live) the real venue. */
export interface SessionParts {
  readonly engine: Engine;
  readonly runner: LiveRunner;
  readonly clientVenue: ClientVenue | undefined;
  readonly symbols: readonly string[];
}

/** The state a restart needs, as it is at the end of the step closing at `close`. */
export function captureState(
  parts: SessionParts,
  close: number,
  orderSequence: number,
  learners: Record<string, unknown> | undefined,
): SessionState {
  const { engine, runner, clientVenue } = parts;
  const bars: Record<string, { index: number; time: number }> = {};
  for (const symbol of parts.symbols) {
    const time = runner.lastBarTime(symbol);
    if (time !== undefined) bars[symbol] = { index: runner.indexOf(symbol, time), time };
  }
  return {
    close,
    portfolio: engine.portfolio.snapshot(),
    venue: engine.broker instanceof SimulatedBroker ? engine.broker.snapshot() : null,
    ...(clientVenue ? { liveVenue: clientVenue.snapshot() } : {}),
    orderSequence,
    bars,
    haltReason: engine.halted ? engine.haltReason : null,
    ...(learners ? { learners } : {}),
  };
}

/** Puts the account and the venue back as `saved` left them, once the runner is warm on recent history. */
export function restoreState(parts: SessionParts, saved: SessionState, portfolio: Portfolio): void {
  const { engine, runner, clientVenue } = parts;
  // Bar indices of the saved state count from the old history's start; re-align them on the new history.
  const shift = (symbol: string): number => {
    const bar = saved.bars[symbol];
    if (!bar) return 0;
    const index = runner.indexOf(symbol, bar.time);
    if (index < 0) return 0;
    return index - bar.index;
  };
  portfolio.load(saved.portfolio, shift);
  if (saved.venue && engine.broker instanceof SimulatedBroker) engine.broker.restore(saved.venue, shift);
  if (saved.liveVenue && clientVenue) clientVenue.restore(saved.liveVenue, shift);
  // Positions are valued at the last warm-up close, as they were at the end of a step.
  for (const slot of engine.slots) {
    const series = slot.series();
    if (series.length > 0) portfolio.mark(slot.config.symbol, series.close[series.length - 1] as number);
  }
}
