/**
 * Simulated market: its stylized facts next to real BTC/USDT 1h (σ, kurtosis, autocorrelation of r and of |r|), how
 * they hold across a 5,000,000-bar run, the price range of that run, and the generation speed.
 * `npm run bench -- sim-market` runs it alone.
 */
import { existsSync } from "node:fs";
import { loadCsv } from "../src/data/csv/load-csv.js";
import { simulateMarket } from "../src/data/simulated/sim-market.js";
import { closeLogReturns, type StylizedFacts, stylizedFacts } from "../src/data/simulated/stylized-facts.js";
import { sharedDataDir } from "../src/indicators/testing/reference-data.js";
import { medianMs } from "./measure.js";

const REAL_FILE = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
const LONG_RUN = 5_000_000;
const MILLION = 1_000_000;

function row(label: string, facts: StylizedFacts): string {
  const cells = [
    facts.returns.toLocaleString("en-US"),
    facts.sigma.toFixed(5),
    facts.kurtosis.toFixed(1),
    facts.acfReturn1.toFixed(4),
    facts.acfAbs1.toFixed(3),
    facts.acfAbs24.toFixed(3),
    facts.acfAbs168.toFixed(3),
  ];
  return `| ${label} | ${cells.join(" | ")} |`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export async function run(log: (line: string) => void): Promise<string> {
  const lines = [
    "## Simulated market",
    "",
    "Stylized facts of hourly log returns (kurtosis m4/m2², 3 for a normal law; acf = autocorrelation at the lag):",
    "",
    "| series | returns | σ | kurtosis | acf r lag 1 | acf abs(r) lag 1 | lag 24 | lag 168 |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  let realLength = 65_699;
  if (existsSync(REAL_FILE)) {
    log("sim-market: real BTC/USDT 1h");
    const real = (await loadCsv(REAL_FILE)).series;
    realLength = real.length;
    lines.push(row("real BTC/USDT 1h 2019–2026", stylizedFacts(closeLogReturns(real))));
  } else {
    lines.push(`| real BTC/USDT 1h | absent: ${REAL_FILE} | | | | | | |`);
  }

  log(`sim-market: ${LONG_RUN.toLocaleString("en-US")} bars, seed 42`);
  const started = performance.now();
  const { series, crashes } = simulateMarket({ bars: LONG_RUN });
  const longRunMs = performance.now() - started;
  lines.push(row("simulated, first 1 M bars (the test's sample)", stylizedFacts(closeLogReturns(series, 0, MILLION))));
  lines.push(row(`simulated, all ${LONG_RUN / MILLION} M bars`, stylizedFacts(closeLogReturns(series))));
  for (let from = MILLION; from < LONG_RUN; from += MILLION) {
    const label = `simulated, bars ${from / MILLION}–${from / MILLION + 1} M`;
    lines.push(row(label, stylizedFacts(closeLogReturns(series, from, from + MILLION))));
  }
  // Stretches as long as the real file: what one sample of that length looks like, and how much it varies.
  const stretches: StylizedFacts[] = [];
  for (let from = 0; from + realLength <= LONG_RUN; from += realLength) {
    stretches.push(stylizedFacts(closeLogReturns(series, from, from + realLength)));
  }
  const kurtoses = stretches.map((facts) => facts.kurtosis);
  lines.push(
    "",
    `Over the ${stretches.length} stretches of ${realLength.toLocaleString("en-US")} bars: median σ ` +
      `${median(stretches.map((f) => f.sigma)).toFixed(5)}, kurtosis median ${median(kurtoses).toFixed(1)} ` +
      `(min ${Math.min(...kurtoses).toFixed(1)}, max ${Math.max(...kurtoses).toFixed(1)}), acf abs(r) medians ` +
      `${median(stretches.map((f) => f.acfAbs1)).toFixed(3)} / ${median(stretches.map((f) => f.acfAbs24)).toFixed(3)} / ` +
      `${median(stretches.map((f) => f.acfAbs168)).toFixed(3)}.`,
  );

  let lowest = Number.POSITIVE_INFINITY;
  let highest = 0;
  let largestMove = 0;
  for (let i = 0; i < series.length; i++) {
    const close = series.close[i] as number;
    lowest = Math.min(lowest, close);
    highest = Math.max(highest, close);
    if (i > 0) largestMove = Math.max(largestMove, Math.abs(close / (series.close[i - 1] as number) - 1));
  }
  lines.push(
    "",
    `Price over the ${LONG_RUN.toLocaleString("en-US")} bars (start 30,000): lowest close ${lowest.toFixed(2)}, ` +
      `highest ${highest.toFixed(2)}, last ${(series.close[series.length - 1] as number).toFixed(2)}; largest ` +
      `close-to-close move ${(100 * largestMove).toFixed(1)} %; ${crashes.length} flash crashes.`,
  );

  log("sim-market: speed");
  const millionMs = medianMs(() => simulateMarket({ bars: MILLION, seed: 7 }), { warmup: 1, runs: 5 });
  // CPU time as well: on a shared machine the wall time mostly measures the other processes.
  const cpuMs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const before = process.cpuUsage().user;
    simulateMarket({ bars: MILLION, seed: 7 });
    cpuMs.push((process.cpuUsage().user - before) / 1000);
  }
  lines.push(
    "",
    `Speed: 1,000,000 bars in ${millionMs.toFixed(0)} ms wall, ${median(cpuMs).toFixed(0)} ms CPU (medians of 5); ` +
      `the ${LONG_RUN.toLocaleString("en-US")}-bar run above took ${longRunMs.toFixed(0)} ms wall.`,
    "",
  );
  return lines.join("\n");
}
