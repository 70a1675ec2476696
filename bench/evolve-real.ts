/**
 * The honest test of the evolver on real data: BTC/USDT and ETH/USDT 1h (Binance, 2019-01 to 2026-07), an evolution
 * (50 × 20 generations, seed 1, 2 worker threads) whose fitness and gates see only bars before 2025-01-01, then the
 * best strategy by search fitness traded by the engine on the bars after the cut. Prints its in-sample numbers,
 * its search (walk-forward out-of-sample) fitness, its holdout numbers and its after-cut numbers side by side,
 * whatever they show. `npm run bench -- evolve-real`; skipped when /work/shared/data is absent.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadCsv } from "../src/data/csv/load-csv.js";
import { type EvolutionRun, runEvolution } from "../src/research/evolution/run-evolution.js";
import { ScreenPool } from "../src/research/evolution/screening/screen-pool.js";

const FILES = {
  "BTC/USDT": "../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz",
  "ETH/USDT": "../../shared/data/crypto/binance_spot_ETHUSDT_1h.csv.gz",
};
const CUT = Date.UTC(2025, 0, 1);

const f = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "n/a" : v.toFixed(digits));
const p = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : `${(v * 100).toFixed(1)} %`);

function rows(symbol: string, run: EvolutionRun): string[] {
  const best = run.finalists[0];
  const after = run.afterCut;
  if (!best || !after) return [`| ${symbol} | no ranked strategy | | | | |`];
  const h = best.gates.holdout;
  const a = after.metrics;
  return [
    `| ${symbol} | in sample (training bars, never used to select) | ${f(best.inSample?.sharpe)} | ${p(best.inSample?.totalReturn)} | ${p(best.inSample?.maxDrawdown)} | ${best.inSample?.trades ?? "n/a"} |`,
    `| ${symbol} | search fitness data (walk-forward test windows) | ${f(best.outOfSample.sharpe)} | ${p(best.outOfSample.totalReturn)} | ${p(best.outOfSample.maxDrawdown)} | ${best.outOfSample.trades} |`,
    `| ${symbol} | holdout before the cut (gates) | ${f(h.sharpe)} | ${p(h.totalReturn)} | ${p(h.maxDrawdown)} | ${best.gates.holdoutTrades} |`,
    `| ${symbol} | **after the cut** (buy-and-hold ${p(a.benchmarkReturn)}) | ${f(a.sharpe)} | ${p(a.totalReturn)} | ${p(a.maxDrawdown)} | ${after.trades} |`,
  ];
}

export async function run(log: (line: string) => void): Promise<string> {
  const table: string[] = [];
  const verdicts: string[] = [];
  for (const [symbol, relative] of Object.entries(FILES)) {
    const file = fileURLToPath(new URL(relative, import.meta.url));
    if (!existsSync(file)) return `skipped: ${file} is absent\n`;
    const { series } = await loadCsv(file);
    let pool: ScreenPool | undefined;
    const started = performance.now();
    try {
      const result = await runEvolution({
        series: { ...series, symbol },
        generations: 20,
        population: 50,
        seed: 1,
        cut: CUT,
        evaluator: (data, plan) => {
          pool = ScreenPool.start({ series: data.series, settings: plan.settings, plan, workers: 2 });
          return pool.evaluator();
        },
        onGeneration: (g) => log(`evolve-real ${symbol}: generation ${g.generation + 1}, best ${f(g.best)}`),
      });
      table.push(...rows(symbol, result));
      const best = result.finalists[0];
      verdicts.push(
        `- ${symbol}: ${result.trials} strategies tried in ${((performance.now() - started) / 1000).toFixed(0)} s; PBO ${f(result.pbo?.pbo, 3)}; ` +
          `best DSR ${f(best?.deflatedSharpe.dsr, 3)}; finalists passing every gate: ${result.finalists.filter((x) => x.gates.passed).length} of ${result.finalists.length}` +
          (best ? `; the best failed: ${best.gates.reasons.join("; ") || "nothing"}` : ""),
      );
    } finally {
      await (pool as ScreenPool | undefined)?.close();
    }
  }
  return [
    "## Evolution on real data, fitness before 2025-01-01 only",
    "",
    "Seed 1, population 50, 20 generations, fee 0.1 % per fill. Bars before the cut: 80 % search (fitness on rolling",
    "walk-forward test windows), 20 % holdout for the gates. The best strategy by search fitness, traded after the cut:",
    "",
    "| symbol | sample | Sharpe | return | max drawdown | trades |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...table,
    "",
    ...verdicts,
    "",
  ].join("\n");
}
