import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveSettings } from "../../backtest/backtest-settings.js";
import { evaluateParameters } from "../../backtest/evaluate-parameters.js";
import { formatMetricValue, type Metrics } from "../../backtest/metrics/index.js";
import { defaultWarmupBars, strategyLookback } from "../../backtest/strategy-warmup.js";
import { loadConfig } from "../../config/load-config.js";
import type { CandleSeries } from "../../domain/candles.js";
import { backtestObjective, type RegimeName, regimeSharpe } from "../../research/optimizer/backtest-objective.js";
import { type OptimizeResult, optimize } from "../../research/optimizer/optimize.js";
import { orderingConstraint, resolveSpace, type SearchSpace } from "../../research/optimizer/search-space.js";
import { RandomSampler, TpeSampler } from "../../research/optimizer/tpe.js";
import { regimeColumn } from "../../strategy/regime/detect-regimes.js";
import { REGIME_CODE } from "../../strategy/regime/regime-config.js";
import { resolveSpec } from "../../strategy/registry.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { prepareOutputDir } from "../output-path.js";
import { numberOption, positiveInteger, timeOption } from "../parse-options.js";
import { ProgressBar } from "../progress.js";
import { type RunCliOptions, resolveRunOptions, warnContextInBatch } from "../run-options.js";
import { UsageError } from "../usage-error.js";
import { metricKey } from "./grid.js";

export interface OptimizeCliOptions extends RunCliOptions {
  strategy: string;
  space?: string[];
  trials: string;
  sampler: string;
  folds: string;
  objective: string;
  minTrades: string;
  cut?: string;
  regime: string;
  prune: boolean;
  out?: string;
  json?: boolean;
  progress: boolean;
}

const REGIMES = ["any", "all", "bull", "bear", "sideways"] as const;

interface HeldOut {
  readonly metrics: Metrics;
  readonly trades: number;
  /** The regime-restricted Sharpe when the search was per regime. */
  readonly regimeSharpe: number | null;
}

export async function optimizeCommand(options: OptimizeCliOptions, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  const trials = numberOption("trials", options.trials, positiveInteger) as number;
  const folds = numberOption("folds", options.folds, positiveInteger) as number;
  const minTrades = numberOption("min-trades", options.minTrades, (n) =>
    Number.isInteger(n) && n >= 0 ? undefined : "must be a whole number >= 0",
  ) as number;
  if (options.sampler !== "tpe" && options.sampler !== "random") {
    throw new UsageError(`--sampler ${options.sampler}: expected tpe or random`);
  }
  if (!(REGIMES as readonly string[]).includes(options.regime)) {
    throw new UsageError(`--regime ${options.regime}: expected one of ${REGIMES.join(", ")}`);
  }
  const metric = metricKey(options.objective, "--objective");
  const spec = resolveSpec(options.strategy);
  let space: SearchSpace;
  try {
    space = resolveSpace(options.space ?? [], spec);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (options.out) prepareOutputDir("--out", options.out);
  const run = await resolveRunOptions(options, config, globals.config);
  warnContextInBatch(run.risk);
  if (run.data.series.length !== 1) {
    throw new UsageError(`optimize searches one market at a time; got ${run.data.series.length} series`);
  }
  const series = run.data.series[0] as CandleSeries;
  const cut = cutIndex(series, options.cut);
  const settings = resolveSettings({
    cash: run.cash,
    fee: run.fee,
    slippage: run.slippageText,
    ...(run.size ? { size: run.size } : {}),
    leverage: run.leverage,
    ...(run.risk ? { risk: run.risk } : {}),
  });
  const regimes: readonly (RegimeName | undefined)[] =
    options.regime === "any"
      ? [undefined]
      : options.regime === "all"
        ? ["bull", "bear", "sideways"]
        : [options.regime as RegimeName];
  const fixed = run.params;
  const searches = regimes.map((regime) => {
    const objective = backtestObjective({
      series,
      spec,
      settings,
      from: 0,
      to: cut,
      folds,
      metric,
      minTrades,
      fixed,
      ...(regime ? { regime } : {}),
    });
    const constraint = orderingConstraint(space);
    const sampler =
      options.sampler === "tpe"
        ? new TpeSampler(space, { seed: run.seed, constraint })
        : new RandomSampler(space, run.seed, constraint);
    const progress = new ProgressBar(`optimize${regime ? ` ${regime}` : ""}`, options.progress && !options.json);
    const result = optimize({
      sampler,
      objective,
      trials,
      prune: options.prune,
      onTrial: (t) => progress.update(t.number + 1, trials),
    });
    progress.done();
    const defaults = Object.fromEntries(Object.keys(space).map((k) => [k, spec.parameters[k]?.default ?? 0]));
    return {
      regime: regime ?? "any",
      result,
      heldOut: result.best ? heldOut(series, spec, settings, { ...fixed, ...result.best.params }, cut, regime) : null,
      defaultsHeldOut: heldOut(series, spec, settings, { ...fixed, ...defaults }, cut, regime),
    };
  });
  const report = {
    strategy: spec.name,
    symbol: series.symbol,
    sampler: options.sampler,
    objective: metric,
    folds,
    trials,
    space,
    searched: { from: series.time[0], to: series.time[cut - 1] },
    heldOut: { from: series.time[cut], to: series.time[series.length - 1] },
    searches: searches.map((s) => ({
      regime: s.regime,
      best: s.result.best,
      evaluations: s.result.evaluations,
      pruned: s.result.pruned,
      heldOut: s.heldOut,
      defaultsHeldOut: s.defaultsHeldOut,
      trials: s.result.trials,
    })),
  };
  if (options.out) writeFileSync(join(options.out, "optimize.json"), `${JSON.stringify(report, null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatReport(report.searched, report.heldOut, searches, options, metric)}\n`);
}

/** Index of the first held-out bar: `--cut`, else the last quarter of the data is kept out of the search. */
function cutIndex(series: CandleSeries, text: string | undefined): number {
  const cutTime = timeOption("cut", text);
  if (cutTime === undefined) return Math.floor(series.length * 0.75);
  let index = 0;
  while (index < series.length && (series.time[index] as number) < cutTime) index++;
  if (index < 200 || index > series.length - 50) {
    throw new UsageError(
      `--cut ${text}: leaves ${index} bar(s) to search and ${series.length - index} to judge on; both sides need data (200 / 50 bars at least)`,
    );
  }
  return index;
}

/** The held-out period after the cut, with warm-up bars before it that are not measured. */
function heldOut(
  series: CandleSeries,
  spec: StrategySpec,
  settings: ReturnType<typeof resolveSettings>,
  params: Record<string, number>,
  cut: number,
  regime: RegimeName | undefined,
): HeldOut {
  const warmup = Math.min(cut, defaultWarmupBars(strategyLookback(compileSpec(spec, params), series)));
  const evaluation = evaluateParameters({
    series: [series],
    spec,
    params,
    settings,
    range: {
      warmupFrom: series.time[cut - warmup] as number,
      from: series.time[cut] as number,
      to: Number.POSITIVE_INFINITY,
    },
  });
  return {
    metrics: evaluation.metrics,
    trades: evaluation.tradeCount,
    regimeSharpe: regime
      ? regimeSharpe(evaluation, series, regimeColumn(series.high, series.low, series.close), REGIME_CODE[regime])
      : null,
  };
}

function formatReport(
  searched: { from: number | undefined; to: number | undefined },
  held: { from: number | undefined; to: number | undefined },
  searches: readonly {
    regime: string;
    result: OptimizeResult;
    heldOut: HeldOut | null;
    defaultsHeldOut: HeldOut;
  }[],
  options: OptimizeCliOptions,
  metric: string,
): string {
  const day = (t: number | undefined) => (t === undefined ? "?" : new Date(t).toISOString().slice(0, 10));
  const ratio = (v: number | null | undefined) => formatMetricValue(v ?? null, "ratio");
  const pct = (v: number | null | undefined) => formatMetricValue(v ?? null, "percent");
  const lines = [
    `optimize ${options.strategy} (${options.sampler}, ${options.trials} trials, ${options.folds} folds, objective ${metric}${options.regime === "any" ? "" : ` per regime: ${options.regime}`})`,
    `searched ${day(searched.from)} → ${day(searched.to)}; judged on the held-out ${day(held.from)} → ${day(held.to)}, never seen by the search`,
  ];
  for (const s of searches) {
    const best = s.result.best;
    const oosLabel = s.regime === "any" ? metric : `${s.regime} Sharpe`;
    const oos = (h: HeldOut | null) => (s.regime === "any" ? h?.metrics[metric as keyof Metrics] : h?.regimeSharpe);
    lines.push(
      "",
      `${s.regime === "any" ? "" : `[${s.regime}] `}${s.result.evaluations} fold evaluations, ${s.result.pruned} trial(s) pruned early`,
      best
        ? `best     ${Object.entries(best.params)
            .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`)
            .join(" ")} (trial ${best.number + 1})`
        : "best     none: no trial had a value on every fold (too few trades?)",
      `in-sample  mean fold ${metric} ${ratio(best?.value)}`,
      `held-out   ${oosLabel} ${ratio(oos(s.heldOut) as number | null)}, return ${pct(s.heldOut?.metrics.totalReturn)}, max drawdown ${pct(s.heldOut?.metrics.maxDrawdown)}, ${s.heldOut?.trades ?? 0} trades`,
      `defaults   ${oosLabel} ${ratio(oos(s.defaultsHeldOut) as number | null)}, return ${pct(s.defaultsHeldOut.metrics.totalReturn)} on the same held-out period (the spec's default parameters)`,
    );
  }
  return lines.join("\n");
}
