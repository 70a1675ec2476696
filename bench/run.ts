/**
 * Bench entry point: runs each bench module in sequence, prints its markdown report and writes it to
 * bench/results/<name>.md. `npm run bench` runs all; `npm run bench -- indicators` only the named ones.
 * A bench module exports `run(log)` returning its report as markdown; add new ones to `modules`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gcExposed } from "./measure.js";

interface BenchModule {
  /** Runs the benchmark; `log` receives progress lines; resolves to the markdown report. */
  run(log: (line: string) => void): Promise<string>;
}

const modules: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: "indicators", load: () => import("./indicators.js") },
  { name: "engine", load: () => import("./engine.js") },
  { name: "data", load: () => import("./data.js") },
  { name: "sim-market", load: () => import("./sim-market.js") },
  { name: "venue", load: () => import("./venue.js") },
  { name: "store", load: () => import("./store.js") },
  { name: "runtime", load: () => import("./runtime.js") },
  { name: "outputs", load: () => import("./outputs.js") },
  { name: "grid", load: () => import("./grid.js") },
  { name: "cli", load: () => import("./cli.js") },
  { name: "optimizer", load: () => import("./optimizer.js") },
  { name: "rl", load: () => import("./rl.js") },
  { name: "evolve", load: () => import("./evolve.js") },
  { name: "evolve-real", load: () => import("./evolve-real.js") },
  { name: "evolve-queue", load: () => import("./evolve-queue.js") },
  { name: "notify", load: () => import("./notify.js") },
  { name: "api", load: () => import("./api.js") },
  { name: "api-replica", load: () => import("./api-replica.js") },
  { name: "api-blocks", load: () => import("./api-blocks.js") },
  { name: "api-cpu", load: () => import("./api-cpu.js") },
  { name: "dashboard", load: () => import("./dashboard.js") },
  { name: "llm-masking", load: () => import("./llm-masking.js") },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !modules.some((module) => module.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown bench module(s): ${unknown.join(", ")}; known: ${modules.map((m) => m.name).join(", ")}`);
  }
  if (!gcExposed) console.warn("warning: gc is not exposed; run with node --expose-gc for steadier numbers");
  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  for (const { name, load } of modules) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    console.error(`bench ${name}: running…`);
    const module = await load();
    const report = await module.run((line) => console.error(line));
    console.log(report);
    const file = `${resultsDir}${name}.md`;
    writeFileSync(file, report);
    console.error(`bench ${name}: written to ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
