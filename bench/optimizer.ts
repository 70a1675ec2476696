/**
 * Does the TPE optimizer reach a given objective in fewer evaluations than random search, on real data?
 * atl-technical (10 parameters, Algo Trading Lab's ranges) on Binance BTC/USDT 1h, searched on 2019-01-01 →
 * 2022-12-31 in 3 folds (a trial's score is its mean fold Sharpe, fees 0.1 %, default risk shield), SEEDS seeds ×
 * TRIALS trials per sampler, no pruning (so every trial costs the same). The target is the median over seeds of
 * the best score random search reaches with its whole budget; the table gives, per seed, the trial at which each
 * sampler first reaches it. The winners are then judged on 2023-01-01 → the end of the file, which no search saw.
 */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { resolveSettings } from "../src/backtest/backtest-settings.js";
import { evaluateParameters } from "../src/backtest/evaluate-parameters.js";
import { defaultWarmupBars, strategyLookback } from "../src/backtest/strategy-warmup.js";
import { loadCandles } from "../src/data/load-candles.js";
import { sharedDataDir, sharedDataPresent } from "../src/indicators/testing/reference-data.js";
import { backtestObjective } from "../src/research/optimizer/backtest-objective.js";
import { type OptimizeResult, optimize } from "../src/research/optimizer/optimize.js";
import { DEFAULT_SPACES, orderingConstraint, type SearchSpace } from "../src/research/optimizer/search-space.js";
import { RandomSampler, TpeSampler } from "../src/research/optimizer/tpe.js";
import { riskConfigSchema } from "../src/risk/config.js";
import { builtinSpec } from "../src/strategy/registry.js";
import { compileSpec } from "../src/strategy/spec/compile.js";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const TRIALS = 120;
const CUT = Date.UTC(2023, 0, 1);

export async function run(log: (line: string) => void): Promise<string> {
  const file = join(sharedDataDir, "crypto/binance_spot_BTCUSDT_1h.csv.gz");
  if (!sharedDataPresent(file)) return "# optimizer\n\nskipped: ../shared/data is absent\n";
  const series = (await loadCandles(file, { symbol: "BTC/USDT" })).series;
  const spec = builtinSpec("atl-technical");
  if (!spec) throw new Error("atl-technical is a built-in");
  const space = DEFAULT_SPACES["atl-technical"] as SearchSpace;
  const settings = resolveSettings({ cash: 10_000, fee: 0.001, risk: riskConfigSchema.parse({}) });
  let cut = 0;
  while ((series.time[cut] as number) < CUT) cut++;
  const objective = backtestObjective({ series, spec, settings, from: 0, to: cut, folds: 3 });
  const started = performance.now();
  const runs: Record<"tpe" | "random", OptimizeResult[]> = { tpe: [], random: [] };
  for (const seed of SEEDS) {
    for (const kind of ["tpe", "random"] as const) {
      const constraint = orderingConstraint(space);
      const sampler =
        kind === "tpe" ? new TpeSampler(space, { seed, constraint }) : new RandomSampler(space, seed, constraint);
      const result = optimize({ sampler, objective, trials: TRIALS, prune: false });
      runs[kind].push(result);
      log(
        `optimizer: seed ${seed} ${kind}: best ${result.best?.value?.toFixed(3)} at trial ${(result.best?.number ?? -1) + 1}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const target = median(runs.random.map((r) => r.best?.value ?? Number.NEGATIVE_INFINITY));
  const reach = (r: OptimizeResult) => {
    const hit = r.trials.find((t) => (t.bestSoFar ?? Number.NEGATIVE_INFINITY) >= target);
    return hit ? hit.number + 1 : null;
  };
  const bestAt = (r: OptimizeResult, n: number) => r.trials[n - 1]?.bestSoFar ?? null;
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN;
  };
  const heldOut = (params: Readonly<Record<string, number>>) => {
    const warmup = defaultWarmupBars(strategyLookback(compileSpec(spec, params), series));
    const e = evaluateParameters({
      series: [series],
      spec,
      params,
      settings,
      range: { warmupFrom: series.time[cut - warmup] as number, from: series.time[cut] as number, to: Infinity },
    });
    return e.metrics.sharpe;
  };
  const lines = [
    "# Optimizer: TPE against random search on real data",
    "",
    `atl-technical, 10 parameters, BTC/USDT 1h; searched 2019-01-01 → 2022-12-31 in 3 folds (mean fold Sharpe, fee 0.1 %,`,
    `default risk shield); ${SEEDS.length} seeds × ${TRIALS} trials per sampler, no pruning. ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}; ${seconds.toFixed(0)} s.`,
    "",
    `Target: ${target.toFixed(3)} = the median over seeds of random search's best after ${TRIALS} trials.`,
    "",
    "| seed | TPE: trials to target | random: trials to target | TPE best | random best | TPE held-out Sharpe | random held-out Sharpe |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  SEEDS.forEach((seed, i) => {
    const t = runs.tpe[i] as OptimizeResult;
    const r = runs.random[i] as OptimizeResult;
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : v.toFixed(3));
    lines.push(
      `| ${seed} | ${reach(t) ?? `not in ${TRIALS}`} | ${reach(r) ?? `not in ${TRIALS}`} | ${fmt(t.best?.value)} | ${fmt(r.best?.value)} | ${fmt(t.best ? heldOut(t.best.params) : null)} | ${fmt(r.best ? heldOut(r.best.params) : null)} |`,
    );
  });
  lines.push("", "Mean best-so-far score after n trials:", "", "| n | TPE | random |", "| ---: | ---: | ---: |");
  for (const n of [10, 20, 40, 60, 90, 120]) {
    lines.push(
      `| ${n} | ${mean(runs.tpe.map((r) => bestAt(r, n))).toFixed(3)} | ${mean(runs.random.map((r) => bestAt(r, n))).toFixed(3)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
