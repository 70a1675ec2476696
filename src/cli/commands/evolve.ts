import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { REGIMES, type RegimeLabel } from "../../domain/regime.js";
import { QueueEvaluator } from "../../research/evolution/distributed/queue-evaluator.js";
import { seriesFingerprint } from "../../research/evolution/distributed/queue-protocol.js";
import { renderEvolutionReport } from "../../research/evolution/evolution-report.js";
import { type EvolutionSink, jsonFileSink, storeSink } from "../../research/evolution/evolution-sink.js";
import { registerFinalists } from "../../research/evolution/register-finalists.js";
import { type EvolutionRun, runEvolution } from "../../research/evolution/run-evolution.js";
import { ScreenPool } from "../../research/evolution/screening/screen-pool.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { loadDataFiles } from "../load-data-files.js";
import { prepareOutputDir } from "../output-path.js";
import { nonNegative, numberOption, positive, positiveInteger, timeOption } from "../parse-options.js";
import { UsageError } from "../usage-error.js";

export interface EvolveCliOptions {
  data?: string;
  generations: string;
  population: string;
  seed: string;
  cut?: string;
  regime?: string;
  out?: string;
  workers?: string;
  queue?: string;
  queueName?: string;
  cash: string;
  fee: string;
  holdout: string;
  maxEvaluations?: string;
  patience?: string;
  store?: string;
  blacklist?: string;
  json?: boolean;
}

/**
 * `aegis evolve`: a genetic search over strategy specs on one data file. Prints a line per generation, then the
 * finalists and their gates; writes evolution.json, report.html, candidates.json (every evolved strategy, when no
 * --store) and blacklist.json to --out. Exit code 0 when it ran (whether or not a strategy passed), 2 on bad input.
 */
export async function evolveCommand(options: EvolveCliOptions): Promise<EvolutionRun> {
  if (!options.data) throw new UsageError("--data is required: a CSV, CSV.gz or Parquet file of one symbol's bars");
  const generations = numberOption("generations", options.generations, positiveInteger) as number;
  const population = numberOption("population", options.population, (n) =>
    Number.isInteger(n) && n >= 6 ? undefined : "must be a whole number >= 6 (the elite is 5)",
  ) as number;
  const cash = numberOption("cash", options.cash, positive) as number;
  const fee = numberOption("fee", options.fee, (f) =>
    f >= 0 && f < 0.1 ? undefined : "must be a fraction in [0, 0.1)",
  ) as number;
  const holdoutShare = numberOption("holdout", options.holdout, (f) =>
    f > 0 && f < 0.9 ? undefined : "must be a fraction in (0, 0.9)",
  ) as number;
  const workers = numberOption("workers", options.workers, nonNegative);
  if (workers !== undefined && !Number.isInteger(workers))
    throw new UsageError(`--workers ${workers}: must be a whole number`);
  const maxEvaluations = numberOption("max-evaluations", options.maxEvaluations, positiveInteger);
  const patience = numberOption("patience", options.patience, positiveInteger);
  const cut = timeOption("cut", options.cut);
  const seed = /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed;
  const regime = options.regime as RegimeLabel | undefined;
  if (regime !== undefined && !REGIMES.includes(regime))
    throw new UsageError(`--regime ${options.regime}: unknown regime (regimes: ${REGIMES.join(", ")})`);
  if (workers !== undefined && workers > 0 && options.queue)
    throw new UsageError("--workers and --queue: choose one (worker threads here, or `aegis worker` processes)");
  if (options.out) prepareOutputDir("--out", options.out);

  const warnings: string[] = [];
  const [series] = await loadDataFiles({ files: [options.data], symbols: [], policy: "reject" }, warnings);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (!series) throw new UsageError(`--data ${options.data}: no bars`);
  if (cut !== undefined && !(cut > (series.time[0] as number) && cut <= (series.time[series.length - 1] as number)))
    throw new UsageError(
      `--cut ${options.cut}: must fall inside the data (${iso(series.time[0] as number)} – ${iso(series.time[series.length - 1] as number)})`,
    );

  // Checked before the run: an unreachable Redis is a usage error naming the URL (exit 2).
  const queue = options.queue
    ? await QueueEvaluator.connect({
        url: options.queue,
        ...(options.queueName ? { queueName: options.queueName } : {}),
        onStalled: (jobId) => process.stderr.write(`queue job ${jobId} lost its worker; retried on another\n`),
      })
    : undefined;
  const dataFile = resolve(options.data);
  const blacklistPath = options.blacklist ?? (options.out ? join(options.out, "blacklist.json") : undefined);
  const blacklist = blacklistPath ? loadBlacklist(blacklistPath) : new Blacklist();
  let store: Store | undefined;
  let sink: EvolutionSink | undefined;
  if (options.store) {
    store = await openStore(options.store).catch(async (error: Error) => {
      await queue?.close();
      throw new UsageError(`--store ${options.store}: ${error.message}`);
    });
    sink = storeSink(store);
  } else if (options.out) sink = jsonFileSink(join(options.out, "candidates.json"));

  let pool: ScreenPool | undefined;
  try {
    const run = await runEvolution({
      series,
      generations,
      population,
      seed,
      cash,
      fee,
      holdoutShare,
      blacklist,
      ...(cut !== undefined ? { cut } : {}),
      ...(regime !== undefined ? { regime } : {}),
      ...(maxEvaluations !== undefined ? { maxEvaluations } : {}),
      ...(patience !== undefined ? { patience } : {}),
      ...(sink ? { sink } : {}),
      ...(workers !== undefined && workers > 0
        ? {
            evaluator: (data, plan) => {
              pool = ScreenPool.start({ series: data.series, settings: plan.settings, plan, workers });
              return pool.evaluator();
            },
          }
        : queue
          ? {
              evaluator: (data, plan) =>
                queue.evaluator(
                  { file: dataFile, bars: data.series.length, fingerprint: seriesFingerprint(data.series) },
                  plan,
                ),
            }
          : {}),
      onGeneration: (g) =>
        process.stderr.write(
          `generation ${g.generation + 1}/${generations}: best ${fmt(g.best)}, mean ${fmt(g.mean)}, ${g.ranked} ranked, ${g.evaluated} evaluated\n`,
        ),
    }).catch((error: Error) => {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    });
    if (blacklistPath) blacklist.save(blacklistPath);
    // With a store, the finalists enter the lifecycle: survivors as validated candidates, failures retired.
    if (store) {
      for (const r of await registerFinalists(store, run, { fee }))
        process.stderr.write(`lifecycle: ${r.id} ${r.name} ${r.note ?? `→ ${r.status}`}\n`);
    }
    if (options.out) {
      writeFileSync(join(options.out, "evolution.json"), `${JSON.stringify(run, null, 2)}\n`);
      writeFileSync(join(options.out, "report.html"), renderEvolutionReport(run));
    }
    if (options.json) process.stdout.write(`${JSON.stringify(run)}\n`);
    else process.stdout.write(summary(run, options.out));
    return run;
  } finally {
    await (pool as ScreenPool | undefined)?.close();
    await queue?.close();
    await store?.close();
  }
}

function loadBlacklist(path: string): Blacklist {
  try {
    return Blacklist.load(path);
  } catch (error) {
    throw new UsageError(`--blacklist ${(error as Error).message}`);
  }
}

const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "n/a" : v.toFixed(digits));
const iso = (t: number) => new Date(t).toISOString();

function summary(run: EvolutionRun, out: string | undefined): string {
  const lines = [
    `${run.symbol}${run.regime ? ` (${run.regime} regime)` : ""}: ${run.trials} strategies tried in ${run.generations.length} generations (${run.stoppedBecause}); PBO ${fmt(run.pbo?.pbo, 3)}`,
  ];
  for (const f of run.finalists) {
    lines.push(
      `${f.gates.passed ? "PASS" : "FAIL"} ${f.hash.slice(0, 12)} fitness ${fmt(f.fitness)}, OOS Sharpe ${fmt(f.outOfSample.sharpe)}, holdout Sharpe ${fmt(f.gates.holdout.sharpe)}, DSR ${fmt(f.deflatedSharpe.dsr, 3)}`,
    );
    for (const reason of f.gates.reasons) lines.push(`     ${reason}`);
  }
  if (run.afterCut) {
    const m = run.afterCut.metrics;
    lines.push(
      `after the cut: best strategy Sharpe ${fmt(m.sharpe)}, return ${fmt((m.totalReturn ?? 0) * 100)} %, max drawdown ${fmt((m.maxDrawdown ?? 0) * 100)} %, ${run.afterCut.trades} trades`,
    );
  }
  if (out) lines.push(`written to ${out}: evolution.json, report.html, blacklist.json`);
  return `${lines.join("\n")}\n`;
}
