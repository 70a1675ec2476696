import type { CandleSeries } from "../../domain/candles.js";
import { lowerBound, sliceSeries } from "../../domain/candles.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { resolveSettings } from "../backtest-settings.js";
import { evaluateParameters, type MeasuredRange } from "../evaluate-parameters.js";
import type { Metrics } from "../metrics/index.js";
import { runStressTest } from "../stress/stress-test.js";
import { bootstrapExcessTest } from "./bootstrap-test.js";
import type { DeflatedSharpe } from "./deflated-sharpe.js";
import type { PboResult } from "./pbo.js";

/**
 * The red-team path a candidate must clear before anyone trusts it. Each threshold is configurable; every gate is
 * recorded with its measured number, passed or not. Defaults: AlphaWEEX's Sharpe > 1.2 and drawdown < 5 % on the
 * holdout, its flash-crash stress test, and the multiple-testing checks no peer ships (DSR, PBO) plus a bootstrap
 * test against buy-and-hold.
 */
export interface GateConfig {
  /** Holdout Sharpe must be above this. */
  readonly minSharpe: number;
  /** Holdout max drawdown must be below this fraction. */
  readonly maxDrawdown: number;
  readonly minTrades: number;
  /** Run the flash-crash stress gate (−20 % crash, stop must exist and fire, drawdown < 15 %, no re-entry loop). */
  readonly stress: boolean;
  /** Deflated Sharpe ratio of the winner, given the trials, must be at least this probability. */
  readonly minDeflatedSharpe: number;
  /** Probability of backtest overfitting of the search must be at most this. */
  readonly maxPbo: number;
  /** Bootstrap p-value against buy-and-hold must be at most this. */
  readonly maxPValue: number;
}

export const DEFAULT_GATES: GateConfig = {
  minSharpe: 1.2,
  maxDrawdown: 0.05,
  minTrades: 10,
  stress: true,
  minDeflatedSharpe: 0.95,
  maxPbo: 0.5,
  maxPValue: 0.05,
};

export interface GateResult {
  readonly gate: string;
  readonly passed: boolean;
  /** The measured number (null when it could not be measured, which fails the gate). */
  readonly value: number | null;
  readonly threshold: string;
  readonly detail: string;
}

export interface GateInput {
  readonly series: CandleSeries;
  readonly spec: StrategySpec;
  /** Bars the search never saw: [from, to), with [warmupFrom, from) only warming indicators up. */
  readonly holdout: MeasuredRange;
  readonly cash: number;
  readonly fee: number;
  /** Deflated Sharpe of this candidate on the search's out-of-sample bars, given how many specs were tried. */
  readonly deflatedSharpe: DeflatedSharpe;
  /** PBO of the whole search (the same for every candidate of it). */
  readonly pbo: PboResult | null;
  readonly config?: Partial<GateConfig>;
  readonly bootstrapSeed?: number;
}

export interface GateVerdict {
  readonly passed: boolean;
  readonly gates: readonly GateResult[];
  /** The failed gates, one line each: what the blacklist records. */
  readonly reasons: readonly string[];
  /** Holdout metrics from the event-driven engine (the screening path's finalist, confirmed). */
  readonly holdout: Metrics;
  readonly holdoutTrades: number;
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

/** Runs every gate on one candidate. The holdout is traded by the event-driven engine, not the screening path. */
export function runGates(input: GateInput): GateVerdict {
  const config = { ...DEFAULT_GATES, ...input.config };
  const settings = resolveSettings({ cash: input.cash, fee: input.fee });
  const evaluation = evaluateParameters({
    series: [input.series],
    spec: input.spec,
    params: {},
    settings,
    range: input.holdout,
  });
  const m = evaluation.metrics;
  const gates: GateResult[] = [];
  const gate = (gate: string, value: number | null, passed: boolean, threshold: string, detail: string) =>
    gates.push({ gate, value, passed: value !== null && passed, threshold, detail });

  gate(
    "holdout Sharpe",
    m.sharpe,
    m.sharpe !== null && m.sharpe > config.minSharpe,
    `> ${config.minSharpe}`,
    m.sharpe === null ? "n/a on the holdout" : `${m.sharpe.toFixed(2)} on bars the search never saw`,
  );
  const drawdown = m.maxDrawdown;
  gate(
    "holdout max drawdown",
    drawdown,
    drawdown !== null && drawdown < config.maxDrawdown,
    `< ${pct(config.maxDrawdown)}`,
    drawdown === null ? "n/a" : pct(drawdown),
  );
  gate(
    "holdout trades",
    evaluation.tradeCount,
    evaluation.tradeCount >= config.minTrades,
    `>= ${config.minTrades}`,
    `${evaluation.tradeCount} closed trades`,
  );
  if (config.stress) {
    const from = lowerBound(input.series, input.holdout.warmupFrom);
    const to = lowerBound(input.series, input.holdout.to);
    try {
      const report = runStressTest({
        series: sliceSeries(input.series, from, to),
        strategy: compileSpec(input.spec),
        cash: input.cash,
        fee: input.fee,
      });
      const worst = Math.max(0, ...report.injections.map((i) => i.maxDrawdown));
      gate("flash-crash stress", worst, report.passed, "passes (−20 % crash)", report.reasons.join("; "));
    } catch (error) {
      gate("flash-crash stress", null, false, "passes (−20 % crash)", (error as Error).message);
    }
  }
  const d = input.deflatedSharpe;
  gate(
    "deflated Sharpe ratio",
    d.dsr,
    d.dsr >= config.minDeflatedSharpe,
    `>= ${config.minDeflatedSharpe}`,
    `per-bar Sharpe ${d.sharpe.toFixed(4)} vs ${d.benchmarkSharpe.toFixed(4)} expected of the best of the trials, ${d.observations} bars`,
  );
  const pbo = input.pbo;
  gate(
    "probability of backtest overfitting",
    pbo?.pbo ?? null,
    pbo !== null && pbo.pbo <= config.maxPbo,
    `<= ${config.maxPbo}`,
    pbo === null ? "too few trials for CSCV" : `${pbo.splits} CSCV splits over ${pbo.trials} trials`,
  );
  const returns = holdoutReturns(input.series, evaluation.equity);
  try {
    const test = bootstrapExcessTest(returns.candidate, returns.buyAndHold, { seed: input.bootstrapSeed ?? 1 });
    gate(
      "bootstrap vs buy-and-hold",
      test.pValue,
      test.pValue <= config.maxPValue,
      `p <= ${config.maxPValue}`,
      `mean excess ${(test.meanExcess * 1e4).toFixed(3)} bp per bar, ${test.resamples} resamples`,
    );
  } catch (error) {
    gate("bootstrap vs buy-and-hold", null, false, `p <= ${config.maxPValue}`, (error as Error).message);
  }
  const failed = gates.filter((g) => !g.passed);
  return {
    passed: failed.length === 0,
    gates,
    reasons: failed.map((g) => `${g.gate}: ${g.value === null ? "n/a" : round(g.value)} (needs ${g.threshold})`),
    holdout: m,
    holdoutTrades: evaluation.tradeCount,
  };
}

const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** Per-bar returns of the candidate's equity and of buy-and-hold over the same bars. */
function holdoutReturns(
  series: CandleSeries,
  equity: { time: Float64Array; equity: Float64Array },
): { candidate: Float64Array; buyAndHold: Float64Array } {
  const n = Math.max(0, equity.time.length - 1);
  const candidate = new Float64Array(n);
  const buyAndHold = new Float64Array(n);
  for (let k = 1; k <= n; k++) {
    const previous = equity.equity[k - 1] as number;
    candidate[k - 1] = previous > 0 ? (equity.equity[k] as number) / previous - 1 : 0;
    const i = lowerBound(series, equity.time[k] as number);
    const before = series.close[i - 1] as number;
    buyAndHold[k - 1] = before > 0 ? (series.close[i] as number) / before - 1 : 0;
  }
  return { candidate, buyAndHold };
}
