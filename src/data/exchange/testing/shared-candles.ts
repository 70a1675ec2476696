/**
 * Test-only reader for the real Binance candles in the shared data folder (described in
 * /work/shared/data/SOURCES.md). Returns `undefined` when the file is absent so a test can skip with a clear message.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Candle } from "../../../domain/candles.js";
import { sharedDataDir, sharedDataPresent } from "../../../indicators/testing/reference-data.js";

/** Absolute path of the shared data folder (`<repo>/../shared/data/`). */
export { sharedDataDir };

/** Absolute path of the real Binance spot BTC/USDT 1h file (2019-01-01 .. 2026-07-02, 65 699 bars). */
export const btcUsdt1hFile: string = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;

/**
 * Reads a gzip CSV with header `timestamp,open,high,low,close,volume` (timestamp = bar open, Unix ms) into candles.
 * Throws naming the line when a cell is not a number, so a damaged file never turns into NaN bars.
 */
export function readCandleCsvGz(path: string): Candle[] | undefined {
  if (!sharedDataPresent(path)) return undefined;
  const lines = gunzipSync(readFileSync(path)).toString("utf8").split("\n");
  const candles: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    const cells = line.split(",").map(Number);
    if (cells.length !== 6 || cells.some((value) => !Number.isFinite(value))) {
      throw new Error(`${path}: line ${i + 1} "${line}" is not 6 numbers`);
    }
    const [time, open, high, low, close, volume] = cells as [number, number, number, number, number, number];
    candles.push({ time, open, high, low, close, volume });
  }
  return candles;
}
