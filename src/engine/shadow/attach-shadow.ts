import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import type { EventBus } from "../events.js";
import type { ClosedBar } from "../live-runner.js";
import type { ShadowEngine, ShadowReport } from "./shadow-engine.js";

/**
 * Runs a shadow engine beside a trading session through its bus alone: the bars the session trades arrive as
 * MARKET_DATA, and STATE_SAVED (published once the session has committed a step, which may be several bars later
 * when the store is slow) releases every step up to that close, in order. So the shadows trade exactly the bars
 * the live strategy traded, after they are safely stored. Returns the unsubscribe.
 */
export function attachShadow(
  bus: EventBus,
  shadow: ShadowEngine,
  /** Used only when STATE_SAVED carries no equity. */
  liveEquity: () => number,
  /** After each released step: the reports, the step's close and the live equity the shadows were compared with. */
  onReports?: (reports: ShadowReport[], time: number, liveEquity: number) => void,
): () => void {
  // Bars waiting for their step's commit, by the step's close time.
  const steps = new Map<number, ClosedBar[]>();
  const offBar = bus.on("MARKET_DATA", ({ symbol, timeframe, bar }) => {
    const duration = TIMEFRAMES[timeframe as Timeframe];
    if (duration === undefined) return;
    const close = bar.time + duration;
    const bars = steps.get(close) ?? [];
    bars.push({ symbol, bar });
    steps.set(close, bars);
  });
  const offSaved = bus.on("STATE_SAVED", ({ time, what, equity }) => {
    if (what !== "time step") return;
    const ready = [...steps.keys()].filter((close) => close <= time).sort((a, b) => a - b);
    for (const close of ready) {
      const bars = steps.get(close) ?? [];
      steps.delete(close);
      // The committed step's own equity: the session may already be several bars further when its commit lands.
      const live = equity ?? liveEquity();
      onReports?.(shadow.onStep(bars, live, close), close, live);
    }
  });
  return () => {
    offBar();
    offSaved();
  };
}
