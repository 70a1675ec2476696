/**
 * What `backtest --out` costs on a long run: sma-cross with the default risk shield over 4.2 M simulated 1h bars,
 * then each output written to a temporary folder (trades.csv, equity.csv, decisions.jsonl, position-actions.jsonl,
 * summary.json, report.html), timed one by one the way writeBacktestOutputs writes them, and all together.
 * Before the chunked writers and the merged-candle report (same machine, load ~6, one run): equity.csv 7.0 s,
 * decisions.jsonl 6.3 s, report.html 12.7 s and 142.7 MB; all outputs 24.3 s wall, 21.4 s CPU.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeInChunks } from "../src/backtest/output/chunked-writer.js";
import { tradesCsv, writeEquityCsv } from "../src/backtest/output/csv-writers.js";
import { renderBacktestReport, writeBacktestOutputs, writeJsonLines } from "../src/backtest/output/write-outputs.js";
import { runBacktest } from "../src/backtest/run-backtest.js";
import { summarize } from "../src/backtest/summary.js";
import { simulateMarket } from "../src/data/simulated/sim-market.js";
import { createRiskRuntime } from "../src/engine/risk-runtime.js";
import { riskConfigSchema } from "../src/risk/config.js";
import { MemoryStateStore } from "../src/risk/state-store.js";
import { loadStrategy } from "../src/strategy/registry.js";
import { gc } from "./measure.js";

const BARS = 4_200_000;
const RUNS = 3;

/**
 * Median wall and CPU (user + system) ms of `fn`. CPU time is reported too because on a shared machine the wall
 * time mostly measures the other processes.
 */
function median(fn: () => void): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gc();
    const start = performance.now();
    const cpu = process.cpuUsage();
    fn();
    const used = process.cpuUsage(cpu);
    walls.push(performance.now() - start);
    cpus.push((used.user + used.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1] as number;
  return { wall: mid(walls), cpu: mid(cpus) };
}

export async function run(log: (line: string) => void): Promise<string> {
  const series = simulateMarket({ seed: 42, bars: BARS }).series;
  const risk = createRiskRuntime(riskConfigSchema.parse({}), { store: new MemoryStateStore(), mode: "backtest" });
  const result = runBacktest({
    feeds: [{ series, strategy: loadStrategy("sma-cross") }],
    cash: 10_000,
    fee: 0.001,
    shield: risk.shield,
    ...(risk.positionManager ? { positionManager: risk.positionManager } : {}),
  });
  log(`outputs: backtest of ${BARS.toLocaleString("en-US")} bars done, ${result.trades.length} trades`);
  const summary = summarize(result, [series], {
    strategy: "sma-cross",
    parameters: {},
    symbols: [series.symbol],
    timeframe: series.timeframe,
    dataSource: "simulated market (seed 42)",
    dataRange: { from: series.time[0] as number, to: series.time[series.length - 1] as number },
    bars: result.bars,
    cash: 10_000,
    fee: 0.001,
    slippage: "none",
    size: "strategy default",
    seed: 42,
    dataHash: "",
    configHash: "",
    sample: { kind: "unspecified" },
  });
  const dir = mkdtempSync(join(tmpdir(), "aegis-bench-outputs-"));
  try {
    const outputs = { result, summary, series: [series], generatedAt: 0 };
    const stages: [string, () => void][] = [
      ["trades.csv", () => writeFileSync(join(dir, "trades.csv"), tradesCsv(result.trades))],
      ["equity.csv", () => writeInChunks(join(dir, "equity.csv"), (write) => writeEquityCsv(result.equity, write))],
      [
        "decisions.jsonl",
        () => writeInChunks(join(dir, "decisions.jsonl"), (write) => writeJsonLines(result.decisions, write)),
      ],
      [
        "position-actions.jsonl",
        () => writeInChunks(join(dir, "pa.jsonl"), (w) => writeJsonLines(result.positionActions, w)),
      ],
      ["summary.json", () => writeFileSync(join(dir, "summary.json"), JSON.stringify(summary, null, 2))],
      ["report.html", () => writeFileSync(join(dir, "report.html"), renderBacktestReport(outputs, 0))],
    ];
    const rows: string[] = [];
    for (const [name, fn] of stages) {
      const ms = median(fn);
      log(`outputs: ${name} ${ms.wall.toFixed(0)} ms wall, ${ms.cpu.toFixed(0)} ms CPU`);
      rows.push(
        `| ${name} | ${ms.wall.toFixed(0)} | ${ms.cpu.toFixed(0)} | ${(statSync(join(dir, name === "position-actions.jsonl" ? "pa.jsonl" : name)).size / 1e6).toFixed(1)} |`,
      );
    }
    const all = median(() => writeBacktestOutputs(dir, outputs));
    log(`outputs: all ${all.wall.toFixed(0)} ms wall, ${all.cpu.toFixed(0)} ms CPU`);
    rows.push(`| **all (writeBacktestOutputs)** | **${all.wall.toFixed(0)}** | **${all.cpu.toFixed(0)}** | |`);
    return [
      "## Backtest outputs (--out)",
      "",
      `sma-cross with the default risk shield on ${BARS.toLocaleString("en-US")} simulated 1h bars (seed 42), ${result.trades.length} trades, ${result.decisions.length.toLocaleString("en-US")} decision records. Median of ${RUNS} runs per output, written to a temporary folder.`,
      "",
      `Load average when measured: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores.`,
      "",
      "| output | wall ms | CPU ms | MB |",
      "| --- | ---: | ---: | ---: |",
      ...rows,
      "",
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
