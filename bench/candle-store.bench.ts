/**
 * Write and read speed of the SQLite candle store on the real BTC/USDT 1h history (65 699 bars), repeated over
 * several synthetic symbols to reach a store of realistic size.
 * Run: node --import tsx bench/candle-store.bench.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { btcUsdt1hFile, readCandleCsvGz } from "../src/data/exchange/testing/shared-candles.js";
import { CandleStore, type OhlcvRow } from "../src/data/store/candle-store.js";

const candles = readCandleCsvGz(btcUsdt1hFile);
if (candles === undefined) {
  console.log(`skipped: ${btcUsdt1hFile} is absent`);
  process.exit(0);
}
const rows: OhlcvRow[] = candles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]);
const symbols = 8;
const dir = mkdtempSync(join(tmpdir(), "aegis-candle-bench-"));
try {
  const store = new CandleStore(join(dir, "candles.sqlite"));
  let start = performance.now();
  for (let s = 0; s < symbols; s++) store.upsert("binance", `SYM${s}/USDT`, "1h", rows);
  let seconds = (performance.now() - start) / 1000;
  const written = rows.length * symbols;
  console.log(`insert: ${written} rows in ${seconds.toFixed(3)} s = ${Math.round(written / seconds)} rows/s`);

  start = performance.now();
  store.upsert("binance", "SYM0/USDT", "1h", rows);
  seconds = (performance.now() - start) / 1000;
  console.log(
    `overwrite: ${rows.length} rows in ${seconds.toFixed(3)} s = ${Math.round(rows.length / seconds)} rows/s`,
  );

  let read = 0;
  start = performance.now();
  for (let s = 0; s < symbols; s++) read += store.load("binance", `SYM${s}/USDT`, "1h").length;
  seconds = (performance.now() - start) / 1000;
  console.log(`load: ${read} rows in ${seconds.toFixed(3)} s = ${Math.round(read / seconds)} rows/s`);

  start = performance.now();
  const year = store.load("binance", "SYM3/USDT", "1h", { from: Date.UTC(2022, 0, 1), to: Date.UTC(2022, 11, 31, 23) });
  seconds = (performance.now() - start) / 1000;
  console.log(`load one year (range): ${year.length} rows in ${(seconds * 1000).toFixed(1)} ms`);

  start = performance.now();
  const listed = store.list();
  console.log(`list: ${listed.length} series in ${(performance.now() - start).toFixed(1)} ms`);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
