import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { isGzip } from "../csv/load-csv.js";
import { tryParseTimestamp } from "../csv/parse-timestamp.js";
import { mostCommonStep } from "../infer-timeframe.js";

const gunzipAsync = promisify(gunzip);

/** The funding interval of a file with a single row: Binance's. */
const EIGHT_HOURS = 8 * 3_600_000;

/** The funding-rate history of one perpetual: the rate charged at each funding time (longs pay when positive). */
export interface FundingRates {
  readonly file: string;
  /** Funding times, Unix ms, ascending. */
  readonly time: Float64Array;
  readonly rate: Float64Array;
  /** The usual step between funding times (8 h on Binance). */
  readonly intervalMs: number;
  /** The rate charged at funding time `time`; 0 where the file has no row (outside its range). */
  rateAt(time: number): number;
}

const TIME_COLUMNS = ["timestamp", "time", "fundingtime", "funding_time", "calc_time", "date", "datetime"];
const RATE_COLUMNS = ["funding_rate", "fundingrate", "rate", "last_funding_rate"];

/**
 * Loads a funding-rate CSV, plain or gzip: a header naming a time column (`timestamp`, `fundingTime` …) and a rate
 * column (`funding_rate`, `fundingRate`, `rate`), or no header and `time,rate`. Times are epoch s/ms or ISO-8601
 * (UTC); rates are fractions per funding (0.0001 = 0.01 %). As in shared/data/crypto/binance_usdm_*_funding_8h.
 * Any unreadable row, or times out of order, is an error naming the file and line.
 */
export async function loadFundingRates(file: string): Promise<FundingRates> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new Error(`funding file ${file}: ${why}`);
  }
  let text: string;
  try {
    text = isGzip(bytes) ? (await gunzipAsync(bytes)).toString("utf8") : bytes.toString("utf8");
  } catch {
    throw new Error(`funding file ${file}: starts like gzip but cannot be decompressed`);
  }
  return parseFundingRates(text, file);
}

/** Parses funding-rate CSV text; same rules as `loadFundingRates`. */
export function parseFundingRates(text: string, file = "funding"): FundingRates {
  const lines = text.split(/\r?\n/);
  const first = (lines[0] ?? "").split(",").map((cell) => cell.trim().toLowerCase().replace(/^"|"$/g, ""));
  const headed = Number.isNaN(tryParseTimestamp(first[0] ?? ""));
  const timeColumn = headed ? first.findIndex((name) => TIME_COLUMNS.includes(name)) : 0;
  const rateColumn = headed ? first.findIndex((name) => RATE_COLUMNS.includes(name)) : 1;
  if (timeColumn < 0 || rateColumn < 0) {
    throw new Error(
      `funding file ${file}: the header "${lines[0]}" needs a time column (${TIME_COLUMNS.join("|")}) and a rate column (${RATE_COLUMNS.join("|")})`,
    );
  }
  const times: number[] = [];
  const rates: number[] = [];
  for (let i = headed ? 1 : 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    const cells = line.split(",");
    const time = tryParseTimestamp((cells[timeColumn] ?? "").trim());
    const rateText = (cells[rateColumn] ?? "").trim();
    const rate = rateText === "" ? Number.NaN : Number(rateText);
    const where = `funding file ${file}, line ${i + 1}`;
    if (!Number.isFinite(time)) throw new Error(`${where}: time "${printable(cells[timeColumn])}" is not a date`);
    if (!Number.isFinite(rate) || Math.abs(rate) >= 1) {
      throw new Error(`${where}: rate "${printable(rateText)}" is not a fraction per funding (e.g. 0.0001)`);
    }
    if (times.length > 0 && !(time > (times[times.length - 1] as number))) {
      throw new Error(`${where}: time ${new Date(time).toISOString()} is not after the row before it`);
    }
    times.push(time);
    rates.push(rate);
  }
  if (times.length === 0) throw new Error(`funding file ${file}: no rows`);
  const byTime = new Map<number, number>();
  for (let i = 0; i < times.length; i++) byTime.set(times[i] as number, rates[i] as number);
  const time = Float64Array.from(times);
  return {
    file,
    time,
    rate: Float64Array.from(rates),
    intervalMs: mostCommonStep(time)?.stepMs ?? EIGHT_HOURS,
    rateAt: (t) => byTime.get(t) ?? 0,
  };
}

/** At most 40 printable characters of a cell, so binary garbage never reaches the terminal. */
function printable(text: string | undefined): string {
  const clean = (text ?? "").replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
