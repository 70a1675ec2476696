/**
 * Test-only readers for the real market data and TA-Lib reference vectors in /work/shared/data
 * (described in /work/shared/data/SOURCES.md). Each reader returns `undefined` when its file is absent, so a test
 * can skip with a clear message instead of failing on a machine without the data.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** Absolute path of the shared data folder (`<repo>/../shared/data`). */
export const sharedDataDir: string = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));

/** Absolute path of the TA-Lib reference vectors folder. */
export const referenceDir: string = `${sharedDataDir}ta_reference/`;

/** The TA-Lib reference sets generated with TA-Lib C (SOURCES.md section 5b). */
export type ReferenceName = "talib_SPY_1d" | "talib_BTCUSDT_1h_2024";

/**
 * Parses CSV text into one Float64Array per header column. Empty or non-numeric cells become NaN,
 * so a reference column is NaN exactly where TA-Lib had no output.
 */
export function parseCsvColumns(text: string, source = "csv"): Record<string, Float64Array> {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines.length === 0) throw new Error(`${source}: empty file, expected a header line`);
  const header = lines[0]!.split(",");
  const rows = lines.length - 1;
  const columns = header.map(() => new Float64Array(rows));
  for (let row = 0; row < rows; row++) {
    const cells = lines[row + 1]!.split(",");
    if (cells.length !== header.length) {
      throw new Error(`${source}: line ${row + 2} has ${cells.length} cells, header has ${header.length}`);
    }
    for (let column = 0; column < header.length; column++) {
      const cell = cells[column]!;
      columns[column]![row] = cell === "" ? Number.NaN : Number(cell);
    }
  }
  const result: Record<string, Float64Array> = {};
  header.forEach((name, column) => {
    result[name] = columns[column]!;
  });
  return result;
}

/**
 * Reports that a reference test cannot run. Outside CI it warns and the caller skips; in CI (`CI=true`) it throws,
 * because a CI run that silently skips the comparisons against real data and TA-Lib proves much less than it claims.
 */
export function skipOrFailInCi(reason: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.CI === "true") throw new Error(`${reason}; CI=true, so this fails instead of skipping the tests`);
  console.warn(`${reason}: tests that need it are skipped`);
}

/**
 * True when every path exists. Otherwise names the missing ones through `skipOrFailInCi` (throws in CI) and
 * returns false, for `describe.skipIf(!sharedDataPresent(file))`.
 */
export function sharedDataPresent(paths: string | readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const missing = (typeof paths === "string" ? [paths] : paths).filter((path) => !existsSync(path));
  if (missing.length === 0) return true;
  skipOrFailInCi(`[reference-data] ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} absent`, env);
  return false;
}

function readCsv(path: string): Record<string, Float64Array> | undefined {
  if (!sharedDataPresent(path)) return undefined;
  const bytes = readFileSync(path);
  const text = path.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  return parseCsvColumns(text, path);
}

/**
 * Loads a TA-Lib reference set: input columns `timestamp,open,high,low,close,volume` and the indicator columns
 * (`RSI_14`, `EMA_20`, `SMA_20`, `MACD_12_26_9`, `MACD_signal_12_26_9`, `MACD_hist_12_26_9`, `ATR_14`, `ADX_14`,
 * `BBANDS_upper_20_2`, `BBANDS_middle_20_2`, `BBANDS_lower_20_2`). Empty cells are NaN; undefined if the file is absent.
 */
export function loadReference(name: ReferenceName): Record<string, Float64Array> | undefined {
  return readCsv(`${referenceDir}${name}.csv.gz`);
}

/**
 * Loads QuantConnect Lean's TA-Lib BBANDS(20, 2, 2) vectors for 500 SPY days. Columns keep their header names
 * (`Close`, `Moving Average 20`, `Bollinger Bands® 20 2 Top`, `Bollinger Bands® 20 2 Bottom`; `Date` is NaN).
 * The bands are rounded to 4 decimals in the file, so compare them with an absolute tolerance of ~1e-4.
 */
export function loadLeanBollinger(): Record<string, Float64Array> | undefined {
  return readCsv(`${referenceDir}lean_spy_bollinger_bands.csv`);
}

/**
 * Loads the first `limit` hourly BTCUSDT bars from crypto/binance_spot_BTCUSDT_1h.csv.gz
 * (`timestamp,open,high,low,close,volume`); undefined if the file is absent.
 */
export function loadBtcHourly(limit = 3000): Record<string, Float64Array> | undefined {
  const all = readCsv(`${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`);
  if (all === undefined) return undefined;
  const result: Record<string, Float64Array> = {};
  for (const [name, column] of Object.entries(all)) result[name] = column.slice(0, limit);
  return result;
}
