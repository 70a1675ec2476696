import { resolveSettings } from "../../backtest/backtest-settings.js";
import { evaluateParameters } from "../../backtest/evaluate-parameters.js";
import type { GateResult } from "../../backtest/gates/validation-gates.js";
import { runStressTest } from "../../backtest/stress/stress-test.js";
import { sliceSeries } from "../../domain/candles.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { defaultFitnessPlan, testRanges } from "../evolution/fitness.js";
import { annualizedSharpe } from "../evolution/screening/screen-metrics.js";
import { type GateWindows, timeAt } from "./gate-windows.js";

/**
 * The selection gates: what a proposed spec must clear on the search bars before the holdout is touched, and the
 * numbers the red team quotes back to the architect. Everything here trades with fees and never reads a bar at or
 * after `windows.searchEnd`.
 */
export interface SelectionConfig {
  /** The whole search window traded once: a necessary condition, never a ranking. */
  readonly minInSampleSharpe: number;
  readonly maxInSampleDrawdown: number;
  readonly minInSampleTrades: number;
  /** The walk-forward test windows over the search bars, stitched. */
  readonly minWalkForwardSharpe: number;
  readonly minWalkForwardTrades: number;
  /** The flash-crash stress test on the search bars (−20 %, stop must exist and fire, drawdown < 15 %). */
  readonly stress: boolean;
}

export const DEFAULT_SELECTION: SelectionConfig = {
  minInSampleSharpe: 0.5,
  maxInSampleDrawdown: 0.3,
  minInSampleTrades: 10,
  minWalkForwardSharpe: 0.5,
  minWalkForwardTrades: 10,
  stress: true,
};

export interface SampleFigures {
  readonly sharpe: number | null;
  readonly maxDrawdown: number | null;
  readonly totalReturn: number | null;
  readonly trades: number;
  readonly bars: number;
}

export interface SelectionVerdict {
  readonly passed: boolean;
  readonly gates: readonly GateResult[];
  readonly reasons: readonly string[];
  readonly inSample: SampleFigures;
  readonly walkForward: SampleFigures & { readonly windows: number };
  /** The bar range selection read: [0, searchEnd). */
  readonly bars: readonly [number, number];
}

export interface SelectionRun {
  readonly verdict: SelectionVerdict;
  /** Stitched per-bar returns of the walk-forward test windows (the deflated Sharpe and PBO are computed on them). */
  readonly walkForwardReturns: Float64Array;
}

const WARMUP_BARS = 500;

export function runSelection(
  windows: GateWindows,
  spec: StrategySpec,
  options: { cash: number; fee: number; config?: Partial<SelectionConfig> },
): SelectionRun {
  const config = { ...DEFAULT_SELECTION, ...options.config };
  const settings = resolveSettings({ cash: options.cash, fee: options.fee });
  const search = sliceSeries(windows.series, 0, windows.searchEnd);
  const gates: GateResult[] = [];
  const gate = (name: string, value: number | null, passed: boolean, threshold: string, detail: string) =>
    gates.push({ gate: name, value, passed: value !== null && passed, threshold, detail });

  const whole = evaluateParameters({ series: [search], spec, params: {}, settings });
  const inSample: SampleFigures = {
    sharpe: whole.metrics.sharpe,
    maxDrawdown: whole.metrics.maxDrawdown,
    totalReturn: whole.metrics.totalReturn,
    trades: whole.tradeCount,
    bars: search.length,
  };
  gate(
    "in-sample Sharpe",
    inSample.sharpe,
    inSample.sharpe !== null && inSample.sharpe > config.minInSampleSharpe,
    `> ${config.minInSampleSharpe}`,
    `${search.length} search bars traded once with fees`,
  );
  gate(
    "in-sample max drawdown",
    inSample.maxDrawdown,
    inSample.maxDrawdown !== null && inSample.maxDrawdown < config.maxInSampleDrawdown,
    `< ${pct(config.maxInSampleDrawdown)}`,
    inSample.maxDrawdown === null ? "n/a" : pct(inSample.maxDrawdown),
  );
  gate(
    "in-sample trades",
    inSample.trades,
    inSample.trades >= config.minInSampleTrades,
    `>= ${config.minInSampleTrades}`,
    `${inSample.trades} closed trades`,
  );

  const walk = walkForward(windows, spec, settings);
  gate(
    "walk-forward Sharpe",
    walk.figures.sharpe,
    walk.figures.sharpe !== null && walk.figures.sharpe > config.minWalkForwardSharpe,
    `> ${config.minWalkForwardSharpe}`,
    `${walk.figures.windows} out-of-sample test windows of the search bars, stitched`,
  );
  gate(
    "walk-forward trades",
    walk.figures.trades,
    walk.figures.trades >= config.minWalkForwardTrades,
    `>= ${config.minWalkForwardTrades}`,
    `${walk.figures.trades} closed trades in the test windows`,
  );

  if (config.stress) {
    try {
      const report = runStressTest({
        series: search,
        strategy: compileSpec(spec),
        cash: options.cash,
        fee: options.fee,
      });
      const worst = Math.max(0, ...report.injections.map((i) => i.maxDrawdown));
      gate("flash-crash stress", worst, report.passed, "passes (−20 % crash)", report.reasons.join("; "));
    } catch (error) {
      gate("flash-crash stress", null, false, "passes (−20 % crash)", (error as Error).message);
    }
  }
  const failed = gates.filter((g) => !g.passed);
  return {
    verdict: {
      passed: failed.length === 0,
      gates,
      reasons: failed.map(describeFailure),
      inSample,
      walkForward: walk.figures,
      bars: [0, windows.searchEnd],
    },
    walkForwardReturns: walk.returns,
  };
}

/** Each test window of a rolling walk-forward over the search bars, traded by the engine after a warmup. */
function walkForward(
  windows: GateWindows,
  spec: StrategySpec,
  settings: ReturnType<typeof resolveSettings>,
): { figures: SampleFigures & { windows: number }; returns: Float64Array } {
  const plan = defaultFitnessPlan(windows.searchEnd, { cash: settings.cash, fee: settings.fee ?? 0 });
  const ranges = testRanges(plan);
  const parts: Float64Array[] = [];
  let trades = 0;
  for (const { test } of ranges) {
    const evaluation = evaluateParameters({
      series: [sliceSeries(windows.series, 0, windows.searchEnd)],
      spec,
      params: {},
      settings,
      range: {
        warmupFrom: timeAt(windows, Math.max(0, test[0] - WARMUP_BARS)),
        from: timeAt(windows, test[0]),
        // test[1] <= searchEnd; the last window ends with the search bars.
        to: test[1] < windows.searchEnd ? timeAt(windows, test[1]) : timeAt(windows, windows.searchEnd - 1) + 1,
      },
    });
    trades += evaluation.tradeCount;
    const equity = evaluation.equity.equity;
    const returns = new Float64Array(Math.max(0, equity.length - 1));
    for (let k = 1; k < equity.length; k++) {
      const before = equity[k - 1] as number;
      returns[k - 1] = before > 0 ? (equity[k] as number) / before - 1 : 0;
    }
    parts.push(returns);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const returns = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    returns.set(p, at);
    at += p.length;
  }
  let growth = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (const r of returns) {
    growth *= 1 + r;
    if (growth > peak) peak = growth;
    else maxDrawdown = Math.max(maxDrawdown, (peak - growth) / peak);
  }
  return {
    figures: {
      sharpe: annualizedSharpe(returns, windows.periodsPerYear),
      maxDrawdown: total > 0 ? maxDrawdown : null,
      totalReturn: total > 0 ? growth - 1 : null,
      trades,
      bars: total,
      windows: ranges.length,
    },
    returns,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** "walk-forward Sharpe: -0.412 (needs > 0.5)": the line the red team quotes. */
export function describeFailure(g: GateResult): string {
  const value = g.value === null ? "n/a" : round(g.value);
  // The stress test's number alone does not say why it failed (no stop, a stop that did not fire, a re-entry loop).
  const why = g.detail && (g.value === null || g.gate === "flash-crash stress") ? `: ${g.detail}` : "";
  return `${g.gate}: ${value} (needs ${g.threshold})${why}`;
}
