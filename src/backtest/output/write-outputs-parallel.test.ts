import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { riskConfigSchema } from "../../risk/config.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import { buyAndHoldIndex } from "../benchmark.js";
import { runBacktest } from "../run-backtest.js";
import { summarize } from "../summary.js";
import { ReportThread } from "./report-thread.js";
import { type BacktestOutputs, writeBacktestOutputs, writeBacktestOutputsInParallel } from "./write-outputs.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "aegis-outputs-parallel-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A shielded sma-cross run over simulated bars, as `backtest --out` writes it (fixed report time). */
function outputs(): BacktestOutputs {
  const series = simulateMarket({ seed: 7, bars: 3_000 }).series;
  const strategy = loadStrategy("sma-cross");
  const risk = createRiskRuntime(riskConfigSchema.parse({}), { store: new MemoryStateStore(), mode: "backtest" });
  const result = runBacktest({ feeds: [{ series, strategy }], cash: 10_000, fee: 0.001, shield: risk.shield });
  const summary = summarize(result, [series], {
    strategy: "sma-cross",
    parameters: {},
    symbols: [series.symbol],
    timeframe: series.timeframe,
    dataSource: "simulated market (seed 7)",
    dataRange: { from: series.time[0] as number, to: series.time[series.length - 1] as number },
    bars: result.bars,
    cash: 10_000,
    fee: 0.001,
    slippage: "none",
    size: "strategy default",
    seed: 7,
    dataHash: "d",
    configHash: "c",
    sample: { kind: "unspecified" },
  });
  return { result, summary, series: [series], strategy, riskShield: true, generatedAt: 1_700_000_000_000 };
}

function files(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

describe("writeBacktestOutputsInParallel", () => {
  it("writes the same bytes as writeBacktestOutputs, copying the arrays and leaving the caller's intact", async () => {
    const run = outputs();
    const serial = tempDir();
    const parallel = tempDir();
    writeBacktestOutputs(serial, run);
    await writeBacktestOutputsInParallel(parallel, run, ReportThread.start());
    expect(files(parallel)).toEqual(files(serial));
    expect(Object.keys(files(parallel)).sort()).toEqual([
      "decisions.jsonl",
      "equity.csv",
      "position-actions.jsonl",
      "report.html",
      "summary.json",
      "trades.csv",
    ]);
    expect(run.result.equity.time.length).toBe(3_000);
    expect(run.series[0]?.close.length).toBe(3_000);
  });

  it("writes the same bytes when the arrays are handed over, which detaches them", async () => {
    const run = outputs();
    const serial = tempDir();
    const parallel = tempDir();
    writeBacktestOutputs(serial, run);
    await writeBacktestOutputsInParallel(parallel, run, ReportThread.start(), true);
    expect(files(parallel)).toEqual(files(serial));
    expect(run.result.equity.time.length).toBe(0);
    expect(run.series[0]?.close.length).toBe(0);
  });

  it("writes the same bytes from a buy-and-hold index carried from the summary, in this thread and the other", async () => {
    const run = outputs();
    const serial = tempDir();
    writeBacktestOutputs(serial, run);
    const index = buyAndHoldIndex(run.series, run.result.equity.time);
    const before = index.slice();
    const here = tempDir();
    writeBacktestOutputs(here, { ...run, buyAndHold: index });
    expect(files(here)).toEqual(files(serial));
    // Written in this thread, the caller's index is not scaled in place.
    expect(index).toEqual(before);
    const copied = tempDir();
    await writeBacktestOutputsInParallel(copied, { ...run, buyAndHold: index }, ReportThread.start());
    expect(files(copied)).toEqual(files(serial));
    expect(index).toEqual(before);
    const parallel = tempDir();
    await writeBacktestOutputsInParallel(parallel, { ...run, buyAndHold: index }, ReportThread.start(), true);
    expect(files(parallel)).toEqual(files(serial));
    expect(index.length).toBe(0);
  });

  it("writes every file in this thread when the output thread is gone", async () => {
    const run = outputs();
    const serial = tempDir();
    const parallel = tempDir();
    writeBacktestOutputs(serial, run);
    const thread = ReportThread.start();
    await thread.stop();
    await writeBacktestOutputsInParallel(parallel, run, thread, true);
    expect(files(parallel)).toEqual(files(serial));
  });
});
