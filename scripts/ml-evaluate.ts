/**
 * Honest out-of-sample evaluation of the ML ensemble on real BTC and ETH 1h bars (2019–2026, /work/shared/data):
 * walk-forward (train 365 days, retrain every 90 days, purge + embargo), 0.1 % fees, against buy-and-hold, the
 * technical strategy `atl-technical` and permutation baselines (labels shuffled). Not part of `npm test`: it
 * trains ~30 folds per symbol and run. Run: npx tsx scripts/ml-evaluate.ts [--permutations 3] [--out FILE]
 * Writes a Markdown report (default bench/results/ml-walk-forward.md) and prints it.
 */
import { existsSync, writeFileSync } from "node:fs";
import { evaluateOutOfSample, type OutOfSampleEvaluation } from "../src/backtest/ml-out-of-sample.js";
import { loadCandles } from "../src/data/load-candles.js";
import { sharedDataDir } from "../src/indicators/testing/reference-data.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? (args[at + 1] as string) : fallback;
};
const permutations = Number(option("permutations", "3"));
const out = option("out", "bench/results/ml-walk-forward.md");
const horizon = Number(option("horizon", "4"));
const files = {
  "BTC/USDT": `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`,
  "ETH/USDT": `${sharedDataDir}crypto/binance_spot_ETHUSDT_1h.csv.gz`,
};

const pct = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? "n/a" : `${(x * 100).toFixed(2)} %`);
const num = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || Number.isNaN(x) ? "n/a" : x.toFixed(digits));

function report(e: OutOfSampleEvaluation): string {
  const lines = [
    `### ${e.symbol}: out of sample ${e.from.slice(0, 10)} → ${e.to.slice(0, 10)} (${e.bars} bars, ${e.folds} folds)`,
    "",
    "| classifier | rows | accuracy | share up | AUC | log-loss | Brier |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| ml-ensemble | ${e.model.rows} | ${pct(e.model.accuracy)} | ${pct(e.model.baseRate)} | ${num(e.model.auc)} | ${num(e.model.logLoss)} | ${num(e.model.brier)} |`,
    ...e.permutations.map(
      (m, k) => `| permutation ${k + 1} | ${m.rows} | ${pct(m.accuracy)} | ${pct(m.baseRate)} | ${num(m.auc)} | ${num(m.logLoss)} | ${num(m.brier)} |`,
    ),
    "",
    "| strategy (long-only, fee 0.1 %) | total return | CAGR | max drawdown | Sharpe | trades | exposure | fees |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...e.strategies.map(
      (s) =>
        `| ${s.name} | ${pct(s.totalReturn)} | ${pct(s.cagr)} | ${pct(s.maxDrawdown)} | ${num(s.sharpe, 2)} | ${s.trades ?? "n/a"} | ${pct(s.exposure)} | ${num(s.feesPaid, 0)} |`,
    ),
    "",
    `Top features (gain, last fold): ${e.topFeatures.slice(0, 8).map((f) => `${f.feature} ${f.gain.toFixed(1)}`).join(", ")}`,
    "",
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const sections: string[] = [];
  for (const [symbol, file] of Object.entries(files)) {
    if (!existsSync(file)) {
      console.warn(`${file} is absent: ${symbol} skipped`);
      continue;
    }
    const { series } = await loadCandles(file, { symbol, policy: "reject" });
    const started = performance.now();
    const evaluation = evaluateOutOfSample({
      candles: series,
      label: { kind: "forward-return", horizon, threshold: 0 },
      fee: 0.001,
      permutationSeeds: Array.from({ length: permutations }, (_, k) => 1000 + k),
      onStage: (stage) => console.error(`${((performance.now() - started) / 1000).toFixed(0)}s ${stage}`),
    });
    sections.push(report(evaluation));
    console.error(`${symbol} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const text = [
    "## ML ensemble (random forest + XGBoost), walk-forward out of sample",
    "",
    `Measured with \`npx tsx scripts/ml-evaluate.ts --permutations ${permutations} --horizon ${horizon}\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Label: sign of the ${horizon}-bar forward return. Train 365 days (expanding), retrain every 90 days, purge + ${horizon}-bar embargo.`,
    "Votes: buy when P(up) ≥ 0.55, close when ≤ 0.45 (defaults fixed before the run, not tuned). Same engine, 0.1 % fee,",
    "no slippage, whole equity per position, no risk shield for any row. Permutation rows: the same pipeline trained on",
    "shuffled training labels. Buy-and-hold pays the fee once in and once out.",
    "",
    ...sections,
  ].join("\n");
  writeFileSync(out, text);
  console.log(text);
}

await main();
