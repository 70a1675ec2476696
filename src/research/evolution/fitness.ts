import type { WalkForwardMode } from "../../backtest/walk-forward-windows.js";
import { walkForwardWindows } from "../../backtest/walk-forward-windows.js";
import type { Condition, StrategySpec } from "../../strategy/spec/schema.js";
import { type ScreeningData, type ScreenSettings, specSignals, tradeSignals } from "./screening/screen.js";
import { annualizedSharpe } from "./screening/screen-metrics.js";

/**
 * How a candidate's fitness is measured: only on the test windows of a walk-forward over the search bars
 * [from, to), each test window cut by `purgeBars` after its training window and `embargoBars` before its end, so a
 * position or indicator state straddling the boundary is not counted. Nothing is fitted on the training windows
 * (a spec is fixed); their numbers are computed only when `inSample` is asked, for reports, and never enter
 * `fitness`.
 */
export interface FitnessPlan {
  readonly from: number;
  readonly to: number;
  readonly mode: WalkForwardMode;
  readonly trainBars: number;
  readonly testBars: number;
  readonly purgeBars: number;
  readonly embargoBars: number;
  /** Fewer out-of-sample trades than this: no fitness. */
  readonly minTrades: number;
  /** Subtracted per condition beyond the first, so that a simpler spec wins a tie. */
  readonly complexityPenalty: number;
  readonly objective: FitnessObjective;
  readonly settings: ScreenSettings;
  /** Contiguous blocks of the out-of-sample returns kept for the PBO (CSCV) of the search. */
  readonly blocks: number;
}

export type FitnessObjective = "sharpe" | "totalReturn";

export interface SampleNumbers {
  readonly sharpe: number | null;
  readonly totalReturn: number;
  readonly maxDrawdown: number;
  readonly trades: number;
  readonly winRate: number | null;
  readonly bars: number;
}

export interface Fitness {
  /** Out-of-sample objective minus the complexity penalty; null when the candidate cannot be ranked. */
  readonly fitness: number | null;
  /** Why fitness is null. */
  readonly reason?: string;
  readonly outOfSample: SampleNumbers;
  /** The bars any training window saw, traded once; only when asked, never used to select. */
  readonly inSample?: SampleNumbers;
  readonly complexity: number;
  /** Per block of the stitched out-of-sample returns: bars, sum of returns, sum of squared returns. */
  readonly blockStats: readonly number[];
}

export function defaultFitnessPlan(length: number, settings: ScreenSettings): FitnessPlan {
  const testBars = Math.max(50, Math.floor(length / 8));
  return {
    from: 0,
    to: length,
    mode: "rolling",
    trainBars: Math.min(testBars * 3, Math.max(1, length - testBars * 4)),
    testBars,
    purgeBars: 24,
    embargoBars: 0,
    minTrades: 10,
    complexityPenalty: 0.05,
    objective: "sharpe",
    settings,
    blocks: 16,
  };
}

/** Test windows (after purge and embargo) of the plan, as bar ranges of the data set. */
export function testRanges(plan: FitnessPlan): { train: [number, number]; test: [number, number] }[] {
  const windows = walkForwardWindows(plan.to - plan.from, {
    mode: plan.mode,
    trainBars: plan.trainBars,
    testBars: plan.testBars,
  });
  return windows
    .map((w) => ({
      train: [plan.from + w.trainStart, plan.from + w.trainEnd] as [number, number],
      test: [plan.from + w.testStart + plan.purgeBars, plan.from + w.testEnd - plan.embargoBars] as [number, number],
    }))
    .filter((w) => w.test[1] - w.test[0] >= 2);
}

/** Leaf conditions of a spec: the complexity the penalty counts. */
export function conditionCount(spec: StrategySpec): number {
  const count = (c: Condition | undefined): number => {
    if (c === undefined) return 0;
    if ("all" in c) return c.all.reduce((n, x) => n + count(x), 0);
    if ("any" in c) return c.any.reduce((n, x) => n + count(x), 0);
    if ("not" in c) return count(c.not);
    return 1;
  };
  return count(spec.entry.long) + count(spec.entry.short) + count(spec.exit.long) + count(spec.exit.short);
}

type Signals = Exclude<ReturnType<typeof specSignals>, { ok: false }>;

function screenedSignals(data: ScreeningData, spec: StrategySpec): Signals {
  const signals = specSignals(data, spec);
  if ("ok" in signals) throw new Error(`not screenable: ${signals.reason}`);
  return signals;
}

/** Trades `parts` (bar ranges) one after another, each from fresh cash, and stitches their per-bar returns. */
function measure(
  data: ScreeningData,
  signals: Signals,
  plan: FitnessPlan,
  parts: readonly (readonly [number, number])[],
): SampleNumbers & { returns: Float64Array } {
  // Only the returns (a new array per part) outlive the run, so the equity goes to the data set's scratch.
  const results = parts.map(([from, to]) => tradeSignals(data, signals, plan.settings, from, to, true, true, false));
  let bars = 0;
  for (const r of results) bars += r.metrics.returns.length;
  const returns = new Float64Array(bars);
  let at = 0;
  let trades = 0;
  let wins = 0;
  for (const r of results) {
    returns.set(r.metrics.returns, at);
    at += r.metrics.returns.length;
    trades += r.metrics.trades;
    wins += r.metrics.wins;
  }
  let growth = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (let i = 0; i < returns.length; i++) {
    growth *= 1 + (returns[i] as number);
    if (growth > peak) peak = growth;
    else maxDrawdown = Math.max(maxDrawdown, (peak - growth) / peak);
  }
  return {
    sharpe: annualizedSharpe(returns, data.periodsPerYear),
    totalReturn: growth - 1,
    maxDrawdown,
    trades,
    winRate: trades > 0 ? wins / trades : null,
    bars,
    returns,
  };
}

/** The stitched per-bar returns of the test windows: what the deflated Sharpe ratio of a winner is computed on. */
export function outOfSampleReturns(data: ScreeningData, spec: StrategySpec, plan: FitnessPlan): Float64Array {
  return measure(
    data,
    screenedSignals(data, spec),
    plan,
    testRanges(plan).map((r) => r.test),
  ).returns;
}

/** The out-of-sample fitness of one spec on the screening path. Throws only for a spec that does not compile. */
export function evaluateFitness(
  data: ScreeningData,
  spec: StrategySpec,
  plan: FitnessPlan,
  options: { inSample?: boolean } = {},
): Fitness {
  const complexity = conditionCount(spec);
  const signals = screenedSignals(data, spec);
  const ranges = testRanges(plan);
  const { returns, ...outOfSample } = measure(
    data,
    signals,
    plan,
    ranges.map((r) => r.test),
  );
  // In sample: every bar some training window saw, traded once (rolling windows overlap; stitching them would count
  // bars several times).
  const trainStart = Math.min(...ranges.map((r) => r.train[0]));
  const trainEnd = Math.max(...ranges.map((r) => r.train[1]));
  const inSample =
    options.inSample && ranges.length > 0
      ? (({ returns: _r, ...numbers }) => numbers)(measure(data, signals, plan, [[trainStart, trainEnd]]))
      : undefined;
  const blockStats = blockStatistics(returns, plan.blocks);
  const base = { outOfSample, ...(inSample ? { inSample } : {}), complexity, blockStats };
  if (outOfSample.trades < plan.minTrades) {
    return {
      ...base,
      fitness: null,
      reason: `${outOfSample.trades} out-of-sample trades, fewer than ${plan.minTrades}`,
    };
  }
  const objective = plan.objective === "sharpe" ? outOfSample.sharpe : outOfSample.totalReturn;
  if (objective === null) return { ...base, fitness: null, reason: "out-of-sample Sharpe is n/a (flat equity)" };
  return { ...base, fitness: objective - plan.complexityPenalty * Math.max(0, complexity - 1) };
}

/** Per block of `returns` split evenly: its count, sum and sum of squares, flat (the input of the PBO gate). */
export function blockStatistics(returns: Float64Array, blocks: number): number[] {
  const out: number[] = [];
  const n = returns.length;
  for (let b = 0; b < blocks; b++) {
    const from = Math.floor((b * n) / blocks);
    const to = Math.floor(((b + 1) * n) / blocks);
    let sum = 0;
    let squares = 0;
    for (let i = from; i < to; i++) {
      const r = returns[i] as number;
      sum += r;
      squares += r * r;
    }
    out.push(to - from, sum, squares);
  }
  return out;
}
