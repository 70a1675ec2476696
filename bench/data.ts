/**
 * Data path figures: loading the 65,699-row BTC CSV.gz, and the SQLite candle store (insert, load, range load).
 * Each script runs in a fresh process, as a user's command would.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

function runScript(name: string): string {
  const result = spawnSync(process.execPath, ["--import", "tsx/esm", `${here}${name}`], {
    encoding: "utf8",
    cwd: `${here}..`,
  });
  if (result.status !== 0) return `failed: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`;
  return result.stdout.trim();
}

export async function run(log: (line: string) => void): Promise<string> {
  log("data: CSV load");
  const csv = runScript("load-csv.ts");
  log("data: candle store");
  const store = runScript("candle-store.bench.ts");
  return [
    "## Data",
    "",
    "CSV load (`bench/load-csv.ts`):",
    "",
    "```",
    csv,
    "```",
    "",
    "Candle store (`bench/candle-store.bench.ts`):",
    "",
    "```",
    store,
    "```",
    "",
  ].join("\n");
}
