/**
 * Load time of the 65,699-row Binance BTCUSDT 1h file through `loadCsv` (gunzip, parse, validate).
 * Prints the first (cold: JIT not yet warm) load and the median of 5 further loads.
 * Run: node --import tsx bench/load-csv.ts [file]
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadCsv } from "../src/data/csv/load-csv.js";

const file =
  process.argv[2] ?? fileURLToPath(new URL("../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url));

async function main(): Promise<void> {
  if (!existsSync(file)) {
    console.log(`skipped: ${file} is absent`);
    return;
  }
  const timed = async () => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const { series } = await loadCsv(file);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, rows: series.length };
  };
  const cold = await timed();
  const runs = [];
  for (let run = 0; run < 5; run++) runs.push(await timed());
  const median = (values: number[]) => (values.sort((a, b) => a - b)[2] as number).toFixed(1);
  // CPU time (all threads, gunzip included) is the steadier figure on a busy machine.
  console.log(
    `${file}: ${cold.rows} rows; cold ${cold.ms.toFixed(1)} ms (cpu ${cold.cpuMs.toFixed(1)} ms); ` +
      `warm median of 5: ${median(runs.map((r) => r.ms))} ms wall, ${median(runs.map((r) => r.cpuMs))} ms cpu`,
  );
}

await main();
