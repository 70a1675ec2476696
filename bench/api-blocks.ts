/**
 * The issue 8 proof with interleaved blocks: one paper session steps every 10 ms while the load generator (another
 * process, at nice 19) alternates BLOCKS times between SECONDS of ~100 requests/s on the main read endpoints and
 * SECONDS of silence. Every step is tagged with the phase it ran in, so that quiet and loaded steps come from the
 * same minutes of the same process: a host that changes speed between two runs (seen here: the same quiet run's p99
 * moves by ±40 % from one minute to the next) shows as spread, not as a difference. Reports the pooled p99 of
 * both phases and a bootstrap interval of their ratio over block pairs (seeded).
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import { startApiSession } from "../src/cli/testing/api-session.js";
import { counter, loadGeneratorCommand, NICE_LOAD, percentile, type Session, STEP_EVERY_MS, trade } from "./api.js";
import { history, MAIN_READS } from "./api-replica.js";
import { gc, seededRandom } from "./measure.js";

const SYMBOLS = (process.env.AEGIS_API_BENCH_SYMBOLS ?? "1,100").split(",").map(Number);
const BLOCKS = Number(process.env.AEGIS_API_BENCH_BLOCKS ?? 20);
/** Where the API runs: a child process at nice 10 (what `aegis trade` does by default) or a worker thread. */
const ISOLATION = process.env.AEGIS_API_BENCH_ISOLATION === "thread" ? "thread" : "process";
const SECONDS = 3;
const RATE = 100;
/** Steps this close after a phase change are dropped: autocannon opens its connections, a block's last answers land. */
const SETTLE_MS = 300;
const RESAMPLES = 2000;

/** Phase tags: a step before the first block (the generator starting) is neither. */
const STARTING = -1;
const quietOf = (block: number) => 2 * block + 1;
const loadedOf = (block: number) => 2 * block;

interface LoadResult {
  requestsPerSecond: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Steps the session while the generator runs its blocks; tags are loadedOf(b) / quietOf(b), or -1 while settling. */
async function tradeThroughBlocks(t: Session, from: number) {
  const input = { mode: "blocks", base: t.api.url, paths: MAIN_READS, seconds: SECONDS, connections: 10, rate: RATE };
  const load = spawn(...loadGeneratorCommand({ ...input, blocks: BLOCKS }), { stdio: ["ignore", "pipe", "inherit"] });
  let phase = STARTING;
  let changedAt = performance.now();
  let block = -1;
  let results: LoadResult[] = [];
  let running = true;
  const lines = createInterface({ input: load.stdout });
  lines.on("line", (line) => {
    const parsed = JSON.parse(line) as { phase?: "on" | "off" } | LoadResult[];
    if (Array.isArray(parsed)) results = parsed;
    else if (parsed.phase === "on") phase = loadedOf(++block);
    else if (parsed.phase === "off") phase = quietOf(block);
    changedAt = performance.now();
  });
  const exited = new Promise<number | null>((resolve) => load.on("exit", resolve)).finally(() => {
    running = false;
  });
  const steps = await trade(
    t,
    from,
    () => !running,
    () => (performance.now() - changedAt < SETTLE_MS ? STARTING : phase),
  );
  const code = await exited;
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  if (steps.compute.length === 0) throw new Error(`no trading step ran from bar ${from}: out of bars`);
  return { steps, results };
}

const p99 = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    0.99,
  );

interface Row {
  symbols: number;
  quietSteps: number;
  loadedSteps: number;
  quietP99: number;
  loadedP99: number;
  quietComputeP99: number;
  loadedComputeP99: number;
  interval: [number, number];
  blockWins: number;
  served: number;
  apiP99: number;
  errors: number;
  load: string;
}

/** Pooled p99 ratio loaded / quiet over block pairs drawn with replacement: the 5th and 95th percentile. */
function bootstrap(quiet: number[][], loaded: number[][], random: () => number): [number, number] {
  const ratios: number[] = [];
  for (let r = 0; r < RESAMPLES; r++) {
    const q: number[] = [];
    const l: number[] = [];
    for (let k = 0; k < quiet.length; k++) {
      const b = Math.floor(random() * quiet.length);
      q.push(...(quiet[b] ?? []));
      l.push(...(loaded[b] ?? []));
    }
    ratios.push(p99(l) / p99(q));
  }
  ratios.sort((a, b) => a - b);
  return [percentile(ratios, 0.05), percentile(ratios, 0.95)];
}

async function once(symbols: number): Promise<Row> {
  const t = await startApiSession({
    symbols,
    // Enough bars for every block at one step per STEP_EVERY_MS (at 12,000, blocks past the 20th had none left),
    // plus the warm-up and the steps before the blocks.
    bars: 1_500 + Math.ceil((BLOCKS * 2 * SECONDS * 1000) / STEP_EVERY_MS),
    warmup: 300,
    apiThread: true,
    config: { api: { isolation: ISOLATION } },
  });
  try {
    await history(t);
    let i = (await trade(t, 301, counter(50))).next;
    for (const path of MAIN_READS) for (let k = 0; k < 10; k++) await (await fetch(`${t.api.url}${path}`)).text();
    i = (await trade(t, i, counter(100))).next;
    gc();
    const { steps, results } = await tradeThroughBlocks(t, i);
    const quiet: number[][] = Array.from({ length: BLOCKS }, () => []);
    const loaded: number[][] = Array.from({ length: BLOCKS }, () => []);
    const quietCompute: number[] = [];
    const loadedCompute: number[] = [];
    steps.tags.forEach((tag, k) => {
      if (tag < 0) return;
      const block = Math.floor(tag / 2);
      const isLoaded = tag === loadedOf(block);
      (isLoaded ? loaded : quiet)[block]?.push(steps.barToOrder[k] as number);
      (isLoaded ? loadedCompute : quietCompute).push(steps.compute[k] as number);
    });
    const blockWins = quiet.filter((q, b) => p99(loaded[b] ?? []) <= p99(q)).length;
    const served = results.reduce((a, r) => a + r.requestsPerSecond, 0) / Math.max(1, results.length);
    return {
      symbols,
      quietSteps: quiet.flat().length,
      loadedSteps: loaded.flat().length,
      quietP99: p99(quiet.flat()),
      loadedP99: p99(loaded.flat()),
      quietComputeP99: p99(quietCompute),
      loadedComputeP99: p99(loadedCompute),
      interval: bootstrap(quiet, loaded, seededRandom(symbols)),
      blockWins,
      served,
      apiP99: Math.max(...results.map((r) => r.p99)),
      errors: results.reduce((a, r) => a + r.errors + r.non2xx, 0),
      load: loadavg()
        .map((x) => x.toFixed(1))
        .join(" "),
    };
  } finally {
    await t.close();
  }
}

const pct = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)} %`;

export async function run(log: (line: string) => void): Promise<string> {
  const rows: Row[] = [];
  for (const symbols of SYMBOLS) {
    const row = await once(symbols);
    rows.push(row);
    log(
      `api-blocks: ${symbols} symbols: bar→orders p99 ${row.quietP99.toFixed(2)} → ${row.loadedP99.toFixed(2)} ms (${pct(row.loadedP99 / row.quietP99)}, 90 % interval ${pct(row.interval[0])} … ${pct(row.interval[1])}), load ${row.load}`,
    );
  }
  return [
    `## Trading latency with the API under ${RATE} requests/s, interleaved with quiet blocks`,
    "",
    `The API in ${ISOLATION === "process" ? "a child process at nice 10 (as `aegis trade` runs it by default)" : "a worker thread of the trading process (`api.isolation: thread`)"}. The load generator (autocannon, another process${NICE_LOAD ? ", nice 19: it stands in for clients on other machines" : ""})`,
    `alternates ${BLOCKS} times between ${SECONDS} s of the main read endpoints (${MAIN_READS.join(", ")}) in turn at ${RATE} requests/s`,
    `and ${SECONDS} s of silence, while a paper session steps every 10 ms over a store that already holds a day of decisions and`,
    `equity. bar → orders = from the step's due time to the orders handed to the venue client. Steps within ${SETTLE_MS} ms of a phase`,
    "change are dropped. The interval is the 5th–95th percentile of the pooled p99 ratio over block pairs drawn with",
    `replacement (${RESAMPLES} draws, seeded). Loaded ≤ quiet in blocks = block pairs whose loaded p99 was not above their quiet one.`,
    "",
    "| symbols | quiet steps | loaded steps | quiet p99 ms | loaded p99 ms | change | 90 % interval | loaded ≤ quiet in blocks | compute p99 quiet → loaded | API req/s | API p99 ms (worst block) | errors | load avg |",
    "|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.symbols} | ${r.quietSteps} | ${r.loadedSteps} | ${r.quietP99.toFixed(2)} | ${r.loadedP99.toFixed(2)} | ${pct(r.loadedP99 / r.quietP99)} | ${pct(r.interval[0])} … ${pct(r.interval[1])} | ${r.blockWins} of ${BLOCKS} | ${r.quietComputeP99.toFixed(2)} → ${r.loadedComputeP99.toFixed(2)} | ${r.served.toFixed(0)} | ${r.apiP99} | ${r.errors} | ${r.load} |`,
    ),
    "",
  ].join("\n");
}
