/**
 * Strategy evaluations per second, screening path vs event-driven engine: one year (8,760 bars) of real BTC/USDT 1h
 * bars, evolver-made specs (random genomes and their mutants, as a search evaluates them), 1 and 2 worker threads.
 * One evaluation = one spec traded over the whole year (signals, fees, stops, trades, equity). The specs are built
 * before timing; worker start-up is excluded (a search pays it once), first-touch indicator computation is included.
 * `npm run bench -- evolve` runs it alone. Without /work/shared/data it uses simulated bars and says so.
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadCsv } from "../src/data/csv/load-csv.js";
import { simulateMarket } from "../src/data/simulated/index.js";
import { type CandleSeries, sliceSeries } from "../src/domain/candles.js";
import { createRandom } from "../src/domain/random.js";
import { genomeToSpec } from "../src/research/evolution/genome-spec.js";
import { mutate, randomGenome } from "../src/research/evolution/operators.js";
import { prepareScreening } from "../src/research/evolution/screening/screen.js";
import { runJob } from "../src/research/evolution/screening/screen-jobs.js";
import { ScreenPool } from "../src/research/evolution/screening/screen-pool.js";
import type { StrategySpec } from "../src/strategy/spec/schema.js";

const BTC = fileURLToPath(new URL("../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url));
const YEAR = 8760;

async function oneYear(): Promise<{ series: CandleSeries; source: string }> {
  if (existsSync(BTC)) {
    const { series } = await loadCsv(BTC);
    return {
      series: sliceSeries(series, series.length - YEAR, series.length),
      source: "Binance BTC/USDT 1h, last 8,760 bars",
    };
  }
  return { series: simulateMarket({ seed: 1, bars: YEAR }).series, source: "simulated bars (shared data absent)" };
}

/** Specs as a search sees them: 50 random genomes, then mutants of them (shared indicators and conditions). */
function searchLikeSpecs(count: number): StrategySpec[] {
  const random = createRandom("bench/evolve");
  const parents = Array.from({ length: 50 }, () => randomGenome(random));
  return Array.from({ length: count }, (_, i) =>
    genomeToSpec(
      i < parents.length ? (parents[i] as (typeof parents)[number]) : mutate(random.pick(parents), random, 0.3),
    ),
  );
}

/**
 * Evaluations per wall second, and per CPU-second of the whole process (every thread: the workers, and the calling
 * thread that cuts and gathers): under load the wall figure measures the neighbours, while the CPU figure times
 * the worker count is what that many idle cores would give.
 */
async function rate(
  pool: ScreenPool,
  path: "screen" | "engine",
  specs: StrategySpec[],
): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const results = await (path === "screen" ? pool.screen(specs) : pool.engine(specs));
  const used = process.cpuUsage(cpuStarted);
  const seconds = (performance.now() - started) / 1000;
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} ${path} evaluations failed; first: ${failed[0]?.reason}`);
  return { wall: specs.length / seconds, cpu: specs.length / ((used.user + used.system) / 1e6) };
}

/**
 * Evaluations per CPU-second in this thread: steadier than wall time when other processes share the cores, and
 * the ceiling per core that worker threads multiply.
 */
function perCpuSecond(
  kind: "screen" | "engine",
  series: CandleSeries,
  specs: StrategySpec[],
): { rate: number; hitRate: number } {
  const data = prepareScreening(series);
  const settings = { cash: 10_000, fee: 0.001 };
  runJob(kind, data, settings, undefined, specs.slice(0, Math.min(20, specs.length)));
  const started = process.cpuUsage();
  runJob(kind, data, settings, undefined, specs);
  const used = process.cpuUsage(started);
  // Most misses are compulsory (a mutant's new parameters make new columns): the rate says how much sharing buys.
  const { hits, misses } = data.conditions;
  return { rate: specs.length / ((used.user + used.system) / 1e6), hitRate: hits / Math.max(1, hits + misses) };
}

export async function run(log: (line: string) => void): Promise<string> {
  const { series, source } = await oneYear();
  const settings = { cash: 10_000, fee: 0.001 };
  const screenSpecs = searchLikeSpecs(20_000);
  const engineSpecs = screenSpecs.slice(0, 60);
  const { rate: cpuScreen, hitRate } = perCpuSecond("screen", series, screenSpecs);
  const { rate: cpuEngine } = perCpuSecond("engine", series, engineSpecs.slice(0, 20));
  log(
    `evolve: one thread, ${cpuScreen.toFixed(0)} screening and ${cpuEngine.toFixed(1)} engine evaluations per CPU-second`,
  );
  const rows: string[] = [];
  for (const workers of [1, 2]) {
    const pool = ScreenPool.start({ series, settings, workers });
    try {
      // Warm-up on other specs: JIT, and the one-off worker start.
      await pool.screen(searchLikeSpecs(200).slice(100));
      await pool.engine(engineSpecs.slice(0, 2 * workers));
      const screen = await rate(pool, "screen", screenSpecs);
      log(
        `evolve: ${workers} worker(s), screening ${screen.wall.toFixed(0)}/s, ${screen.cpu.toFixed(0)} per CPU-second`,
      );
      const engine = await rate(pool, "engine", engineSpecs);
      log(`evolve: ${workers} worker(s), engine ${engine.wall.toFixed(1)}/s, ${engine.cpu.toFixed(1)} per CPU-second`);
      rows.push(
        `| ${workers} | ${screen.wall.toFixed(0)} | ${screen.cpu.toFixed(0)} | ${engine.wall.toFixed(1)} | ${engine.cpu.toFixed(1)} | ${(screen.wall / engine.wall).toFixed(0)}× |`,
      );
    } finally {
      await pool.close();
    }
  }
  return [
    `## Strategy evaluations per second (${source})`,
    "",
    `${screenSpecs.length.toLocaleString("en")} evolver-made specs on the screening path, ${engineSpecs.length} of them on the event-driven engine;`,
    "one evaluation = one spec traded over the year with fees and its ATR stop. Goal: ≥ 5,000/s on 2 cores (screening).",
    "",
    "| workers | screening (evals/s, wall) | screening (per CPU-second, all threads) | engine (evals/s, wall) | engine (per CPU-second) | ratio (wall) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    `Per CPU-second in one thread (steadier under load): screening ${cpuScreen.toFixed(0)}, engine ${cpuEngine.toFixed(1)}` +
      ` (${(cpuScreen / cpuEngine).toFixed(0)}×); two idle cores give at most twice that.` +
      ` Condition-cache hit rate in that thread: ${(100 * hitRate).toFixed(1)} %.`,
    "",
    `Load average while measured: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(", ")} (other processes share the cores).`,
    "",
  ].join("\n");
}
