import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { CandleSeries } from "../../domain/candles.js";
import { dataFileError } from "../read-data-file.js";

const gzipAsync = promisify(gzip);

/**
 * A series as CSV text with the header timestamp,open,high,low,close,volume and Unix ms times. Numbers are
 * written by `String`, the shortest text that reads back as the same double, so the loaders give back the same
 * bits.
 */
export function formatCandleCsv(series: CandleSeries): string {
  const { time, open, high, low, close, volume } = series;
  const rows = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < series.length; i++) {
    rows.push(`${time[i]},${open[i]},${high[i]},${low[i]},${close[i]},${volume[i]}`);
  }
  return `${rows.join("\n")}\n`;
}

/** Writes `formatCandleCsv(series)` to `path`, gzip-compressed when the name ends in .gz. */
export async function writeCandleCsv(series: CandleSeries, path: string): Promise<void> {
  const text = formatCandleCsv(series);
  const bytes = /\.gz$/i.test(path) ? await gzipAsync(text, { level: 9 }) : text;
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw dataFileError(path, error);
  }
}
