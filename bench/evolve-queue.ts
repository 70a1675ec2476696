/**
 * Fitness evaluations per second of one large generation, in this thread vs through the BullMQ queue with 1 and 2
 * `aegis worker` processes (a redis-server started on 127.0.0.1 for the bench). One year of real BTC/USDT 1h bars,
 * the evolver's walk-forward fitness plan, evolver-made specs. Worker start-up and their first data load are
 * excluded (a warm-up generation of other specs), as a long search pays them once. The queued results are checked
 * equal to the local ones. `npm run bench -- evolve-queue`; simulated bars without /work/shared/data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadCsv } from "../src/data/csv/load-csv.js";
import { simulateMarket } from "../src/data/simulated/index.js";
import { type CandleSeries, sliceSeries } from "../src/domain/candles.js";
import { createRandom } from "../src/domain/random.js";
import { QueueEvaluator } from "../src/research/evolution/distributed/queue-evaluator.js";
import { seriesFingerprint } from "../src/research/evolution/distributed/queue-protocol.js";
import { defaultFitnessPlan } from "../src/research/evolution/fitness.js";
import { genomeToSpec } from "../src/research/evolution/genome-spec.js";
import { localEvaluator } from "../src/research/evolution/local-evaluator.js";
import { mutate, randomGenome } from "../src/research/evolution/operators.js";
import { prepareScreening } from "../src/research/evolution/screening/screen.js";
import { RedisServer } from "../src/research/evolution/testing/redis-server.js";
import type { StrategySpec } from "../src/strategy/spec/schema.js";

const BTC = fileURLToPath(new URL("../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url));
const YEAR = 8760;
const root = fileURLToPath(new URL("..", import.meta.url));

function specs(seed: string, count: number): StrategySpec[] {
  const random = createRandom(seed);
  const parents = Array.from({ length: 50 }, () => randomGenome(random));
  return Array.from({ length: count }, (_, i) =>
    genomeToSpec(
      i < parents.length ? (parents[i] as (typeof parents)[number]) : mutate(random.pick(parents), random, 0.3),
    ),
  );
}

function csv(series: CandleSeries, file: string): void {
  const rows = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < series.length; i++)
    rows.push(
      [series.time[i], series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]].join(","),
    );
  writeFileSync(file, `${rows.join("\n")}\n`);
}

function startWorker(url: string, queueName: string): Promise<ChildProcess> {
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(
    process.execPath,
    ["--import", tsx, join(root, "src/cli/main.ts"), "worker", "--queue", url, "--queue-name", queueName],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("worker ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
}

export async function run(log: (line: string) => void): Promise<string> {
  const temp = mkdtempSync(join(tmpdir(), "aegis-bench-queue-"));
  const file = join(temp, "year.csv");
  let source = "simulated bars (shared data absent)";
  let series: CandleSeries = simulateMarket({ seed: 1, bars: YEAR }).series;
  if (existsSync(BTC)) {
    const loaded = (await loadCsv(BTC)).series;
    series = sliceSeries(loaded, loaded.length - YEAR, loaded.length);
    source = "Binance BTC/USDT 1h, last 8,760 bars";
  }
  csv(series, file);
  // Read back as the workers read it, so both sides score the very same bars.
  series = (await loadCsv(file)).series;
  const settings = { cash: 10_000, fee: 0.001 };
  const plan = defaultFitnessPlan(series.length, settings);
  const generation = specs("bench/evolve-queue", 3000);
  const warmup = specs("bench/evolve-queue/warm-up", 300);

  const local = localEvaluator(prepareScreening(series), plan);
  await local.evaluate(warmup);
  let started = performance.now();
  const expected = await local.evaluate(generation);
  const localRate = generation.length / ((performance.now() - started) / 1000);
  log(`evolve-queue: this thread, ${localRate.toFixed(0)} fitness evaluations/s`);

  const rows = [`| this thread (no queue) | ${localRate.toFixed(0)} |`];
  const redis = await RedisServer.start();
  const workers: ChildProcess[] = [];
  try {
    for (const count of [1, 2]) {
      const queueName = `bench-${count}`;
      for (let k = 0; k < count; k++) workers.push(await startWorker(redis.url, queueName));
      const queue = await QueueEvaluator.connect({ url: redis.url, queueName, batch: 50 });
      try {
        const evaluator = queue.evaluator({ file, bars: series.length, fingerprint: seriesFingerprint(series) }, plan);
        await evaluator.evaluate(warmup);
        started = performance.now();
        const answers = await evaluator.evaluate(generation);
        const rate = generation.length / ((performance.now() - started) / 1000);
        if (JSON.stringify(answers) !== JSON.stringify(expected))
          throw new Error(`the queue with ${count} worker(s) did not give this thread's fitness`);
        log(`evolve-queue: ${count} worker process(es), ${rate.toFixed(0)} fitness evaluations/s`);
        rows.push(`| ${count} aegis worker process(es) | ${rate.toFixed(0)} |`);
      } finally {
        await queue.close();
      }
      for (const w of workers.splice(0)) {
        const exited = new Promise((resolve) => w.once("exit", resolve));
        w.kill("SIGTERM");
        await exited;
      }
    }
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await redis.stop();
    rmSync(temp, { recursive: true, force: true });
  }
  return [
    `## Fitness evaluations per second through the BullMQ queue (${source})`,
    "",
    `One generation of ${generation.length.toLocaleString("en")} evolver-made specs, the evolver's walk-forward fitness`,
    "plan (out-of-sample windows, fees), jobs of 50 specs; the queued answers equal this thread's.",
    "",
    "| evaluated by | fitness evaluations/s (wall) |",
    "| --- | ---: |",
    ...rows,
    "",
    `Load average while measured: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(", ")} (other processes share the 2 cores).`,
    "",
  ].join("\n");
}
