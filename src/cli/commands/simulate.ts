import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { isTimeframe } from "../../domain/timeframe.js";
import { prepareOutputFile } from "../output-path.js";
import { numberOption, positive, positiveInteger } from "../parse-options.js";
import { UsageError } from "../usage-error.js";

export interface SimulateCliOptions {
  bars: string;
  seed: string;
  timeframe: string;
  symbol: string;
  startPrice: string;
  out?: string;
}

export function simulateCommand(options: SimulateCliOptions, _globals: unknown): void {
  if (!isTimeframe(options.timeframe)) throw new UsageError(`--timeframe ${options.timeframe}: unknown timeframe`);
  if (options.out) prepareOutputFile("--out", options.out);
  const market = simulateMarket({
    bars: numberOption("bars", options.bars, positiveInteger) as number,
    seed: numberOption("seed", options.seed, (n) =>
      Number.isInteger(n) ? undefined : "must be a whole number",
    ) as number,
    timeframe: options.timeframe,
    symbol: options.symbol,
    startPrice: numberOption("start-price", options.startPrice, positive) as number,
  });
  const s = market.series;
  const rows = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < s.length; i++)
    rows.push(`${s.time[i]},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
  const text = `${rows.join("\n")}\n`;
  if (!options.out) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(options.out, options.out.endsWith(".gz") ? gzipSync(text) : text);
  process.stderr.write(
    `wrote ${s.length} bars of ${s.symbol} (${options.timeframe}, seed ${options.seed}) to ${options.out}; ${market.crashes.length} flash crash(es)\n`,
  );
}
