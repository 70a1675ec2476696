/**
 * Whole-engine throughput: feed → indicators → strategy → combiner → risk shield → order manager → simulated
 * broker → portfolio, for sma-cross over the real Binance BTC/USDT 1h history (65,699 bars), and for 20 slots at
 * once. Indicator computation and result assembly are inside the timed region: it is what a backtest costs.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runBacktest } from "../src/backtest/run-backtest.js";
import { loadCsv } from "../src/data/csv/load-csv.js";
import type { CandleSeries } from "../src/domain/candles.js";
import { createRiskRuntime } from "../src/engine/risk-runtime.js";
import { riskConfigSchema } from "../src/risk/config.js";
import { MemoryStateStore } from "../src/risk/state-store.js";
import { loadStrategy } from "../src/strategy/registry.js";
import { gc } from "./measure.js";

/**
 * Median wall time of `fn` over `runs` after `warmup` runs, with one collection before the timed loop only. A full
 * collection between runs frees the previous run's objects and with them V8's optimized code for their shapes, so
 * every run would restart cold; a user running many backtests in one process (a grid) does not pay that.
 */
function steadyMedianMs(fn: () => unknown, { warmup, runs }: { warmup: number; runs: number }): number {
  for (let i = 0; i < warmup; i++) fn();
  gc();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] as number;
}

const DATA = fileURLToPath(new URL("../../shared/data/crypto/", import.meta.url));

function rename(series: CandleSeries, symbol: string): CandleSeries {
  return { ...series, symbol };
}

export async function run(log: (line: string) => void): Promise<string> {
  const btcFile = `${DATA}binance_spot_BTCUSDT_1h.csv.gz`;
  const ethFile = `${DATA}binance_spot_ETHUSDT_1h.csv.gz`;
  if (!existsSync(btcFile) || !existsSync(ethFile)) {
    return "## Engine\n\nskipped: ../shared/data/crypto is absent\n";
  }
  const btc = (await loadCsv(btcFile)).series;
  const eth = (await loadCsv(ethFile)).series;
  const strategy = loadStrategy("sma-cross");
  const rows: string[] = [];

  const once = () => runBacktest({ feeds: [{ series: btc, strategy }], cash: 10_000 });
  const cold = performance.now();
  const first = once();
  const coldMs = performance.now() - cold;
  log(`engine: 1 symbol, first (cold) run ${coldMs.toFixed(1)} ms`);
  const ms = steadyMedianMs(once, { warmup: 5, runs: 15 });
  rows.push(
    `| sma-cross, BTC/USDT 1h, sanity checks only | ${btc.length.toLocaleString("en-US")} | ${first.trades.length} | ${ms.toFixed(1)} | ${fmt(btc.length / ms)} | ${fmt(btc.length / coldMs)} |`,
  );

  // The same run through the default risk shield (19 layers, a fresh latch store per run): the issue-4 path.
  const defaults = riskConfigSchema.parse({});
  const shielded = () => {
    const risk = createRiskRuntime(defaults, { store: new MemoryStateStore() });
    return runBacktest({
      feeds: [{ series: btc, strategy }],
      cash: 10_000,
      shield: risk.shield,
      ...(risk.regimeColumn ? { regimeColumn: risk.regimeColumn } : {}),
    });
  };
  const coldShield = performance.now();
  const firstShield = shielded();
  const coldShieldMs = performance.now() - coldShield;
  const msShield = steadyMedianMs(shielded, { warmup: 5, runs: 15 });
  rows.push(
    `| sma-cross, BTC/USDT 1h, default risk shield (${createRiskRuntime(defaults, { store: new MemoryStateStore() }).shield.layers.length} layers) | ${btc.length.toLocaleString("en-US")} | ${firstShield.trades.length} | ${msShield.toFixed(1)} | ${fmt(btc.length / msShield)} | ${fmt(btc.length / coldShieldMs)} |`,
  );

  // 20 slots: the two real series, ten differently named copies of each, every slot with its own strategy state.
  const many = Array.from({ length: 20 }, (_, k) => rename(k % 2 === 0 ? btc : eth, `S${k}/USDT`));
  const portfolio = () => runBacktest({ feeds: many.map((series) => ({ series, strategy })), cash: 10_000 });
  const coldMany = performance.now();
  const firstMany = portfolio();
  const coldManyMs = performance.now() - coldMany;
  const msMany = steadyMedianMs(portfolio, { warmup: 2, runs: 5 });
  const barsMany = 20 * btc.length;
  rows.push(
    `| sma-cross, 20 symbols (BTC, ETH ×10 each) | ${barsMany.toLocaleString("en-US")} | ${firstMany.trades.length} | ${msMany.toFixed(1)} | ${fmt(barsMany / msMany)} | ${fmt(barsMany / coldManyMs)} |`,
  );
  log("engine: done");
  return [
    "## Engine throughput (one core)",
    "",
    "Whole path per bar (feed → indicators → strategy → combiner → risk shield → broker → portfolio); indicators are",
    "computed inside the timed region. Median of warmed-up runs; the last column is the first run of its kind in the",
    "process. Rows without the default shield run the sanity layer only (the engine path of issue 3). No full GC",
    "between timed runs (it would throw away V8's optimized code each time).",
    "",
    "| run | bars | trades | median ms | bars/s (warm) | bars/s (first run) |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n");
}

function fmt(barsPerMs: number): string {
  return Math.round(barsPerMs * 1000).toLocaleString("en-US");
}
