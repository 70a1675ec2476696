import type { Candle, CandleSeries } from "../../../domain/candles.js";
import { defaultInstrument } from "../../../domain/instrument.js";
import { DecisionCombiner } from "../../../engine/combiner.js";
import { Engine } from "../../../engine/engine.js";
import { LiveRunner } from "../../../engine/live-runner.js";
import type { DeadlineTimer } from "../../../engine/slot-sources.js";
import { Portfolio } from "../../../execution/portfolio.js";
import { SimulatedBroker } from "../../../execution/simulated-broker.js";
import type { RiskShield } from "../../../risk/shield.js";
import type { SignalSource } from "../../../strategy/signal-source.js";
import type { Strategy } from "../../../strategy/strategy.js";
import { advisorWeights } from "../llm-advisor.js";

/** A never-expiring deadline unless the test fires it: no real time in the advisor tests. */
export function manualDeadline() {
  const pending: (() => void)[] = [];
  const timer: DeadlineTimer = () => {
    let fire = () => {};
    const expired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    pending.push(fire);
    return { expired, cancel: () => {} };
  };
  const expireAll = () => {
    for (const fire of pending.splice(0)) fire();
  };
  return { timer, expireAll };
}

/**
 * Runs the real engine bar by bar as paper trading does (LiveRunner.onStepAsync, simulated broker), with the given
 * sources beside the strategy and the advisor weighted 10 %: the fills and decision records to compare.
 */
export async function runLive(options: {
  series: CandleSeries;
  strategy: Strategy;
  sources?: SignalSource[];
  shield?: RiskShield;
  deadline?: DeadlineTimer;
}) {
  const portfolio = new Portfolio(10_000);
  const engine = new Engine({
    portfolio,
    createBroker: (listener) => new SimulatedBroker(portfolio, listener),
    deadline: options.deadline ?? manualDeadline().timer,
    combiner: new DecisionCombiner({ weights: advisorWeights() }),
    ...(options.shield ? { shield: options.shield } : {}),
  });
  const runner = new LiveRunner(engine);
  const { series } = options;
  runner.addSlot({
    symbol: series.symbol,
    timeframe: "1h",
    strategy: options.strategy,
    instrument: defaultInstrument(series.symbol),
    sources: options.sources ?? [],
  });
  for (let i = 0; i < series.length; i++) {
    const bar: Candle = {
      time: series.time[i] as number,
      open: series.open[i] as number,
      high: series.high[i] as number,
      low: series.low[i] as number,
      close: series.close[i] as number,
      volume: series.volume[i] as number,
    };
    await runner.onStepAsync([{ symbol: series.symbol, bar }]);
  }
  return engine;
}
