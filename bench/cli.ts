/**
 * Whole-process speed of the `aegis` command, as a user sees it: node starting, modules loading, data parsed,
 * the run, the console output. Each command is run RUNS times as a child process; medians of wall time and of the
 * child's CPU time (user + system, from /usr/bin/time when present: on a shared, loaded machine wall time mostly
 * measures the other processes) are reported, for the bundled CLI (dist/bundle/aegis.js, what `bin` and
 * `npm start` use) and for the unbundled tsc output (dist/cli/main.js), with the load average around each
 * command. The first column is the `aegis` launcher (dist/bundle/aegis, what `bin` links), which starts a backtest
 * from the bundle's V8 startup snapshot (src/cli/snapshot-entry.ts). Goals (issue 12): the BTC 1h backtest under
 * 0.3 s, `--out` on 4.2 M bars under 8 s. Needs `npm run build` first.
 *
 * The BTC backtest is timed twice: with the parsed-data cache empty for every run (a file seen for the first time)
 * and with it filled by an earlier run (src/cli/series-cache.ts); the cache lives in a temp folder removed after.
 * Where NODE_EXTRA_CA_CERTS is set (some sandboxes and corporate machines), Node parses that certificate file at
 * every start; the rows marked "CA unset" run the same command without it, which is what most users see.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDataDir, sharedDataPresent } from "../src/indicators/testing/reference-data.js";

const RUNS = 5;
const root = fileURLToPath(new URL("../", import.meta.url));
const LAUNCHER = join(root, "dist/bundle/aegis");
const BUNDLE = join(root, "dist/bundle/aegis.js");
const PLAIN = join(root, "dist/cli/main.js");

const TIME = "/usr/bin/time";
const hasTime = existsSync(TIME);

interface Timing {
  /** Median wall ms, spawn to exit. */
  readonly wall: number;
  /** Median CPU ms of the child (user + system), NaN without /usr/bin/time. */
  readonly cpu: number;
  /** 1-minute load average before the first run and after the last. */
  readonly load: readonly [number, number];
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

/**
 * Runs `node entry ...args` (or the launcher itself when `entry` is LAUNCHER) `runs` times; CPU time comes from
 * /usr/bin/time's last stderr line ("user sys").
 */
function time(
  entry: string,
  args: readonly string[],
  runs = RUNS,
  env: NodeJS.ProcessEnv = process.env,
  before = () => {},
): Timing {
  const walls: number[] = [];
  const cpus: number[] = [];
  const loadBefore = loadavg()[0] as number;
  for (let i = 0; i < runs; i++) {
    const argv = entry === LAUNCHER ? [LAUNCHER, ...args] : [process.execPath, entry, ...args];
    const [command, ...commandArgs] = hasTime ? [TIME, "-f", "%U %S", ...argv] : (argv as [string, ...string[]]);
    before();
    const start = performance.now();
    const result = spawnSync(command, commandArgs, { encoding: "utf8", cwd: root, maxBuffer: 1 << 26, env });
    walls.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`aegis ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
    if (hasTime) {
      const [user, sys] = (result.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
      cpus.push(((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000);
    }
  }
  return { wall: median(walls), cpu: hasTime ? median(cpus) : Number.NaN, load: [loadBefore, loadavg()[0] as number] };
}

const ms = (value: number): string => (Number.isNaN(value) ? "n/a" : value.toFixed(0));
const load = (t: Timing): string => `${t.load[0].toFixed(1)} → ${t.load[1].toFixed(1)}`;

export async function run(log: (line: string) => void): Promise<string> {
  if (!existsSync(LAUNCHER) || !existsSync(BUNDLE) || !existsSync(PLAIN))
    throw new Error("bench cli: run `npm run build` first");
  const lines = [
    "# CLI: whole-process time",
    "",
    `${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        " / ",
      )} at the start; median of ${RUNS} runs: wall ms from spawn to exit, CPU ms (user + system) of the child.`,
    "",
    "| command | `aegis` wall | `aegis` CPU | bundle wall | bundle CPU | unbundled wall | unbundled CPU | load (1 min) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  const cache = mkdtempSync(join(tmpdir(), "aegis-bench-cache-"));
  const env: NodeJS.ProcessEnv = { ...process.env, AEGIS_CACHE_DIR: cache };
  const { NODE_EXTRA_CA_CERTS: extraCa, ...withoutCa } = env;
  const emptyCache = () => rmSync(join(cache, "series"), { recursive: true, force: true });
  try {
    // Node's own start is the floor under every figure below.
    const floor = time("-e", ["0"], RUNS, env);
    log(`cli: node -e 0 (Node's start alone): ${ms(floor.wall)} ms wall / ${ms(floor.cpu)} ms CPU`);
    lines.push(
      `| \`node -e 0\` (Node's start alone${extraCa ? ", NODE_EXTRA_CA_CERTS set" : ""}) | ${ms(floor.wall)} | ${ms(floor.cpu)} | | | | | ${load(floor)} |`,
    );
    if (extraCa) {
      const bare = time("-e", ["0"], RUNS, withoutCa);
      lines.push(`| \`node -e 0\`, CA unset | ${ms(bare.wall)} | ${ms(bare.cpu)} | | | | | ${load(bare)} |`);
    }
    const commands: { label: string; args: string[]; env?: NodeJS.ProcessEnv; before?: () => void }[] = [
      { label: "aegis --version", args: ["--version"] },
    ];
    const btc = join(sharedDataDir, "crypto/binance_spot_BTCUSDT_1h.csv.gz");
    if (sharedDataPresent(btc)) {
      const args = ["backtest", "--data", btc, "--strategy", "sma-cross"];
      const label = "backtest sma-cross, BTC 1h (65,699 bars, default shield; goal < 300 ms)";
      commands.push({ label: `${label}, data cache empty`, args, before: emptyCache });
      commands.push({ label: `${label}, data cached`, args });
      if (extraCa) {
        commands.push({ label: `${label}, data cache empty, CA unset`, args, env: withoutCa, before: emptyCache });
        commands.push({ label: `${label}, data cached, CA unset`, args, env: withoutCa });
      }
    } else {
      log("bench cli: ../shared/data is absent; the BTC 1h backtest is skipped");
    }
    commands.push({ label: "backtest sma-cross, simulated market (default bars)", args: ["backtest"] });
    for (const { label, args, env: commandEnv, before } of commands) {
      const launched = time(LAUNCHER, args, RUNS, commandEnv ?? env, before);
      const bundled = time(BUNDLE, args, RUNS, commandEnv ?? env, before);
      const plain = time(PLAIN, args, RUNS, commandEnv ?? env, before);
      log(
        `cli: ${label}: aegis ${ms(launched.wall)} ms wall / ${ms(launched.cpu)} ms CPU, bundle ${ms(bundled.wall)} / ${ms(bundled.cpu)}, unbundled ${ms(plain.wall)} / ${ms(plain.cpu)}`,
      );
      lines.push(
        `| ${label} | ${ms(launched.wall)} | ${ms(launched.cpu)} | ${ms(bundled.wall)} | ${ms(bundled.cpu)} | ${ms(plain.wall)} | ${ms(plain.cpu)} | ${launched.load[0].toFixed(1)} → ${plain.load[1].toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }

  const out = mkdtempSync(join(tmpdir(), "aegis-bench-cli-"));
  try {
    const args = ["backtest", "--bars", "4200000", "--out", join(out, "run"), "--no-progress"];
    const long = time(LAUNCHER, args, 1);
    const report = statSync(join(out, "run", "report.html")).size;
    log(
      `cli: backtest --out on 4.2 M simulated bars: ${(long.wall / 1000).toFixed(1)} s wall, ${(long.cpu / 1000).toFixed(1)} s CPU`,
    );
    lines.push(
      "",
      "`aegis backtest --bars 4200000 --out DIR` (simulated market generated, backtest with the default shield, every",
      `output written; goal < 8 s), through the launcher, one run: ${(long.wall / 1000).toFixed(1)} s wall, ${(long.cpu / 1000).toFixed(1)} s CPU,`,
      `load ${load(long)}; report.html ${(report / 1e6).toFixed(2)} MB.`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return `${lines.join("\n")}\n`;
}
