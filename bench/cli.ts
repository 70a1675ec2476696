/**
 * Whole-process speed of the `aegis` command, as a user sees it: node starting, modules loading, data parsed,
 * the run, the console output. Each command is run RUNS times as a child process; medians of wall and CPU
 * (user + system of the child) are reported, for the bundled CLI (dist/bundle/aegis.js, what `bin` and
 * `npm start` use) and for the unbundled tsc output (dist/cli/main.js). Needs `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDataDir, sharedDataPresent } from "../src/indicators/testing/reference-data.js";

const RUNS = 5;
const root = fileURLToPath(new URL("../", import.meta.url));
const BUNDLE = join(root, "dist/bundle/aegis.js");
const PLAIN = join(root, "dist/cli/main.js");

/** Median wall time (ms) of `node entry ...args`, from spawn to exit. */
function time(entry: string, args: readonly string[], runs = RUNS): number {
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", cwd: root });
    walls.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`aegis ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  }
  return [...walls].sort((a, b) => a - b)[walls.length >> 1] as number;
}

export async function run(log: (line: string) => void): Promise<string> {
  if (!existsSync(BUNDLE) || !existsSync(PLAIN)) throw new Error("bench cli: run `npm run build` first");
  const lines = [
    "# CLI: whole-process time",
    "",
    `${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")}; median of ${RUNS} runs (wall ms, the child process from spawn to exit).`,
    "",
    "| command | bundled (dist/bundle/aegis.js) | unbundled (dist/cli/main.js) |",
    "| --- | ---: | ---: |",
  ];
  const commands: { label: string; args: string[] }[] = [{ label: "aegis --version", args: ["--version"] }];
  const btc = join(sharedDataDir, "crypto/binance_spot_BTCUSDT_1h.csv.gz");
  if (sharedDataPresent(btc)) {
    commands.push({
      label: "backtest sma-cross, BTC 1h (65,699 bars, default shield)",
      args: ["backtest", "--data", btc, "--strategy", "sma-cross"],
    });
  } else {
    log("bench cli: ../shared/data is absent; the BTC 1h backtest is skipped");
  }
  commands.push({ label: "backtest sma-cross, simulated market (default bars)", args: ["backtest"] });
  for (const { label, args } of commands) {
    const bundled = time(BUNDLE, args);
    const plain = time(PLAIN, args);
    log(`cli: ${label}: ${bundled.toFixed(0)} ms bundled, ${plain.toFixed(0)} ms unbundled`);
    lines.push(`| ${label} | ${bundled.toFixed(0)} | ${plain.toFixed(0)} |`);
  }

  const out = mkdtempSync(join(tmpdir(), "aegis-bench-cli-"));
  try {
    const args = ["backtest", "--bars", "4200000", "--out", join(out, "run"), "--no-progress"];
    const long = time(BUNDLE, args, 1);
    log(`cli: backtest --out on 4.2 M simulated bars: ${(long / 1000).toFixed(1)} s`);
    lines.push(
      "",
      `\`aegis backtest --bars 4200000 --out DIR\` (simulated market generated, backtest with the default shield, every`,
      `output written), bundled, one run: ${(long / 1000).toFixed(1)} s wall.`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return `${lines.join("\n")}\n`;
}
