import { resolveSettings } from "../../backtest/backtest-settings.js";
import { evaluateParameters } from "../../backtest/evaluate-parameters.js";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { type DeflatedSharpe, deflatedSharpe } from "../../backtest/gates/deflated-sharpe.js";
import { type PboResult, probabilityOfOverfitting } from "../../backtest/gates/pbo.js";
import { type GateConfig, type GateVerdict, runGates } from "../../backtest/gates/validation-gates.js";
import type { Metrics } from "../../backtest/metrics/index.js";
import { type CandleSeries, lowerBound, sliceSeries } from "../../domain/candles.js";
import type { RegimeLabel } from "../../domain/regime.js";
import { type EvolutionSink, toRecord } from "./evolution-sink.js";
import {
  type EvolvedCandidate,
  type EvolveResult,
  evolve,
  type FitnessEvaluator,
  type GenerationSummary,
} from "./evolver.js";
import {
  defaultFitnessPlan,
  evaluateFitness,
  type FitnessPlan,
  outOfSampleReturns,
  type SampleNumbers,
} from "./fitness.js";
import { localEvaluator } from "./local-evaluator.js";
import { prepareScreening, type ScreeningData } from "./screening/screen.js";

export interface RunEvolutionOptions {
  readonly series: CandleSeries;
  readonly generations: number;
  readonly population?: number;
  readonly seed: number | string;
  /** Fitness, selection and gates use only bars before this time (Unix ms); the bars after it are reported. */
  readonly cut?: number;
  /** Share of the bars before the cut kept out of the search for the gates (default 0.2). */
  readonly holdoutShare?: number;
  readonly cash?: number;
  readonly fee?: number;
  readonly plan?: Partial<Omit<FitnessPlan, "from" | "to" | "settings">>;
  readonly gates?: Partial<GateConfig>;
  /** How many of the best distinct strategies go through the gates (default 5). */
  readonly finalists?: number;
  readonly maxEvaluations?: number;
  readonly patience?: number;
  readonly blacklist?: Blacklist;
  readonly sink?: EvolutionSink;
  /** Default: this thread. A worker pool gives the same fitness (see screen-pool.ts). */
  readonly evaluator?: (data: ScreeningData, plan: FitnessPlan) => FitnessEvaluator;
  readonly onGeneration?: (summary: GenerationSummary) => void;
  /** Evolve strategies that trade only in this market regime (the regime detector's label). */
  readonly regime?: RegimeLabel;
}

export interface Finalist {
  readonly hash: string;
  readonly name: string;
  readonly generation: number;
  readonly fitness: number | null;
  readonly parents: readonly string[];
  readonly spec: EvolvedCandidate["spec"];
  readonly genome: EvolvedCandidate["genome"];
  /** The search's out-of-sample numbers (what fitness was computed from). */
  readonly outOfSample: SampleNumbers;
  /** The training windows' numbers, for comparison only: never used to select. */
  readonly inSample: SampleNumbers | undefined;
  /** Against zero-skill trials (estimation variance): the one the gate uses. */
  readonly deflatedSharpe: DeflatedSharpe;
  /** With the variance of the trials' Sharpes instead: stricter, reported for comparison. */
  readonly deflatedSharpeCrossTrialVariance: DeflatedSharpe;
  readonly gates: GateVerdict;
}

export interface EvolutionRun {
  readonly symbol: string;
  readonly regime: RegimeLabel | null;
  readonly seed: number | string;
  readonly bars: {
    readonly search: [number, number];
    readonly holdout: [number, number];
    readonly afterCut: [number, number] | null;
  };
  readonly times: {
    readonly search: [number, number];
    readonly holdout: [number, number];
    readonly afterCut: [number, number] | null;
  };
  readonly plan: Omit<FitnessPlan, "settings">;
  readonly generations: readonly GenerationSummary[];
  readonly stoppedBecause: string;
  readonly trials: number;
  readonly pbo: PboResult | null;
  readonly finalists: readonly Finalist[];
  /** Lineage of the best strategy: it, its parents, their parents …, each once, as far as the search went. */
  readonly lineage: readonly {
    hash: string;
    name: string;
    generation: number;
    fitness: number | null;
    parents: readonly string[];
  }[];
  /** The best strategy (by fitness) on the bars after the cut, traded by the engine: the honest test. */
  readonly afterCut: { readonly hash: string; readonly metrics: Metrics; readonly trades: number } | null;
  readonly blacklisted: number;
  readonly blacklistedSkips: number;
}

/** Per-bar Sharpe of a trial from its out-of-sample block statistics. */
function trialSharpe(blockStats: readonly number[]): number | null {
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (let k = 0; k + 2 < blockStats.length; k += 3) {
    n += blockStats[k] as number;
    sum += blockStats[k + 1] as number;
    squares += blockStats[k + 2] as number;
  }
  if (n < 2) return null;
  const mean = sum / n;
  const variance = (squares - n * mean * mean) / (n - 1);
  return variance > 1e-18 ? mean / Math.sqrt(variance) : null;
}

/**
 * A whole evolution: search on the bars before the holdout, gates on the holdout (bars the search never saw, all
 * before the cut), and, with a cut, the best strategy traded on the bars after it. Failing finalists are blacklisted.
 */
export async function runEvolution(options: RunEvolutionOptions): Promise<EvolutionRun> {
  const { series } = options;
  const cash = options.cash ?? 10_000;
  const fee = options.fee ?? 0.001;
  const cutIndex = options.cut === undefined ? series.length : lowerBound(series, options.cut);
  const holdoutShare = options.holdoutShare ?? 0.2;
  if (!(holdoutShare > 0 && holdoutShare < 0.9))
    throw new RangeError(`holdoutShare must be in (0, 0.9), got ${holdoutShare}`);
  const searchEnd = Math.floor(cutIndex * (1 - holdoutShare));
  if (searchEnd < 500)
    throw new RangeError(`only ${searchEnd} bars before the holdout; an evolution needs at least 500`);
  if (cutIndex - searchEnd < 200)
    throw new RangeError(`only ${cutIndex - searchEnd} holdout bars; the gates need at least 200`);
  // The search never holds a bar at or after the cut, so nothing it computes can depend on one.
  const data = prepareScreening(sliceSeries(series, 0, cutIndex));
  const settings = { cash, fee };
  const plan: FitnessPlan = {
    ...defaultFitnessPlan(searchEnd, settings),
    ...options.plan,
    from: 0,
    to: searchEnd,
    settings,
  };
  const blacklist = options.blacklist ?? new Blacklist();
  const evaluator = (options.evaluator ?? localEvaluator)(data, plan);
  const result: EvolveResult = await evolve({
    evaluator,
    seed: options.seed,
    generations: options.generations,
    ...(options.population !== undefined ? { population: options.population } : {}),
    ...(options.maxEvaluations !== undefined ? { maxEvaluations: options.maxEvaluations } : {}),
    ...(options.patience !== undefined ? { patience: options.patience } : {}),
    blacklist: blacklist.reasons(),
    ...(options.regime !== undefined ? { regime: options.regime } : {}),
    namePrefix: `evolved-${series.symbol.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}`,
    ...(options.onGeneration ? { onGeneration: options.onGeneration } : {}),
  });
  await options.sink?.record(result.candidates.map((c) => toRecord(c, series.symbol, options.regime)));

  const measured = result.candidates.filter((c) => c.fitness.outOfSample.bars > 0);
  const sharpes = measured.map((c) => trialSharpe(c.fitness.blockStats) ?? 0);
  const meanSharpe = sharpes.reduce((s, v) => s + v, 0) / Math.max(1, sharpes.length);
  const trialSharpeVariance = sharpes.reduce((s, v) => s + (v - meanSharpe) ** 2, 0) / Math.max(1, sharpes.length - 1);
  const pbo =
    measured.length >= 2
      ? probabilityOfOverfitting(
          measured.map((c) => c.fitness.blockStats),
          plan.blocks,
        )
      : null;

  const ranked = result.candidates
    .filter((c) => c.fitness.fitness !== null)
    .sort((a, b) => (b.fitness.fitness as number) - (a.fitness.fitness as number));
  const timeAt = (i: number) => series.time[Math.min(i, series.length - 1)] as number;
  const warmup = Math.min(searchEnd, 500);
  const holdout = {
    warmupFrom: timeAt(searchEnd - warmup),
    from: timeAt(searchEnd),
    to: cutIndex < series.length ? timeAt(cutIndex) : timeAt(series.length - 1) + 1,
  };
  const finalists: Finalist[] = [];
  for (const candidate of ranked.slice(0, options.finalists ?? 5)) {
    const returns = outOfSampleReturns(data, candidate.spec, plan);
    // The bar the winner must clear: the best of `trials` zero-skill strategies, whose Sharpes scatter by their
    // estimation error alone (1/(T−1) per bar). The cross-trial variance is reported beside it: it also counts the
    // real differences between trials (a search near an edge has many good and many inverted strategies) and then
    // rejects real edges too.
    const dsr = deflatedSharpe({
      returns,
      trials: measured.length,
      trialSharpeVariance: 1 / Math.max(1, returns.length - 1),
    });
    const empirical = deflatedSharpe({ returns, trials: measured.length, trialSharpeVariance });
    const gates = runGates({
      series: sliceSeries(series, 0, cutIndex),
      spec: candidate.spec,
      holdout,
      cash,
      fee,
      deflatedSharpe: dsr,
      pbo,
      ...(options.gates ? { config: options.gates } : {}),
    });
    if (!gates.passed)
      blacklist.add(candidate.hash, { reason: gates.reasons.join("; "), time: Date.now(), name: candidate.name });
    finalists.push({
      hash: candidate.hash,
      name: candidate.name,
      generation: candidate.generation,
      fitness: candidate.fitness.fitness,
      parents: candidate.parents,
      spec: candidate.spec,
      genome: candidate.genome,
      outOfSample: candidate.fitness.outOfSample,
      inSample: evaluateFitness(data, candidate.spec, plan, { inSample: true }).inSample,
      deflatedSharpe: dsr,
      deflatedSharpeCrossTrialVariance: empirical,
      gates,
    });
  }

  const best = ranked[0];
  let afterCut: EvolutionRun["afterCut"] = null;
  if (best && cutIndex < series.length - 1) {
    const evaluation = evaluateParameters({
      series: [series],
      spec: best.spec,
      params: {},
      settings: resolveSettings({ cash, fee }),
      range: {
        warmupFrom: timeAt(Math.max(0, cutIndex - warmup)),
        from: timeAt(cutIndex),
        to: timeAt(series.length - 1) + 1,
      },
    });
    afterCut = { hash: best.hash, metrics: evaluation.metrics, trades: evaluation.tradeCount };
  }
  const { settings: _settings, ...planNumbers } = plan;
  return {
    symbol: series.symbol,
    regime: options.regime ?? null,
    seed: options.seed,
    bars: {
      search: [0, searchEnd],
      holdout: [searchEnd, cutIndex],
      afterCut: cutIndex < series.length ? [cutIndex, series.length] : null,
    },
    times: {
      search: [timeAt(0), timeAt(searchEnd)],
      holdout: [timeAt(searchEnd), timeAt(cutIndex - 1)],
      afterCut: cutIndex < series.length ? [timeAt(cutIndex), timeAt(series.length - 1)] : null,
    },
    plan: planNumbers,
    generations: result.generations,
    stoppedBecause: result.stoppedBecause,
    trials: measured.length,
    pbo,
    finalists,
    lineage: best ? lineageOf(best, result.candidates) : [],
    afterCut,
    blacklisted: finalists.filter((f) => !f.gates.passed).length,
    blacklistedSkips: result.blacklistedSkips,
  };
}

function lineageOf(best: EvolvedCandidate, candidates: readonly EvolvedCandidate[]) {
  const byHash = new Map(candidates.map((c) => [c.hash, c]));
  const out: EvolutionRun["lineage"][number][] = [];
  const seen = new Set<string>();
  const queue = [best.hash];
  while (queue.length > 0 && out.length < 200) {
    const hash = queue.shift() as string;
    if (seen.has(hash)) continue;
    seen.add(hash);
    const c = byHash.get(hash);
    if (!c) continue;
    out.push({ hash: c.hash, name: c.name, generation: c.generation, fitness: c.fitness.fitness, parents: c.parents });
    queue.push(...c.parents);
  }
  return out;
}
