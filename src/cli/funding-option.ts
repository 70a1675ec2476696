import { isAbsolute, resolve } from "node:path";
import { type FundingRateSeries, loadFundingRates } from "../data/funding/funding-rates.js";
import type { CandleSeries } from "../domain/candles.js";
import type { FundingSource } from "../execution/simulated-broker.js";
import { UsageError } from "./usage-error.js";

const EIGHT_HOURS = 8 * 3_600_000;

/** What `--funding` (or `backtest.funding` in the config) resolved to: the broker's source and what to tell. */
export interface ResolvedFunding {
  readonly source: FundingSource;
  /** Symbol → funding file, for config.json and the console. */
  readonly files: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

/**
 * Loads the funding files of a backtest. Each entry is `FILE` (allowed when the run has one symbol) or
 * `SYMBOL=FILE`; config paths are relative to the config file's folder. A symbol without a file pays no funding.
 * Warns when a file does not cover the symbol's bars, since funding times outside it are charged nothing.
 */
export async function resolveFunding(
  entries: readonly string[],
  series: readonly CandleSeries[],
  baseDir: string,
): Promise<ResolvedFunding | undefined> {
  if (entries.length === 0) return undefined;
  const symbols = series.map((s) => s.symbol);
  const bySymbol = new Map<string, FundingRateSeries>();
  const files: Record<string, string> = {};
  for (const entry of entries) {
    const split = entry.indexOf("=");
    const symbol = split > 0 ? entry.slice(0, split) : symbols.length === 1 ? symbols[0] : undefined;
    const file = split > 0 ? entry.slice(split + 1) : entry;
    if (symbol === undefined) {
      throw new UsageError(
        `--funding: with several symbols say which one each file is for, as SYMBOL=FILE (symbols: ${symbols.join(", ")})`,
      );
    }
    if (!symbols.includes(symbol)) {
      throw new UsageError(`--funding: no symbol ${symbol} in the data (symbols: ${symbols.join(", ")})`);
    }
    if (bySymbol.has(symbol)) throw new UsageError(`--funding: two files for ${symbol}`);
    const path = isAbsolute(file) ? file : resolve(baseDir, file);
    try {
      bySymbol.set(symbol, await loadFundingRates(path, { symbol }));
    } catch (error) {
      throw new UsageError(`--funding: ${(error as Error).message}`);
    }
    files[symbol] = path;
  }
  const intervals = new Set([...bySymbol.values()].map((rates) => rates.intervalMs ?? EIGHT_HOURS));
  if (intervals.size > 1) throw new UsageError("--funding: the files have different funding intervals");
  const warnings: string[] = [];
  for (const s of series) {
    const rates = bySymbol.get(s.symbol);
    if (rates === undefined || s.length === 0) continue;
    const [first, last] = [rates.time[0] as number, rates.time[rates.time.length - 1] as number];
    if ((s.time[0] as number) < first || (s.time[s.length - 1] as number) > last + (rates.intervalMs ?? EIGHT_HOURS)) {
      warnings.push(
        `funding for ${s.symbol} covers ${iso(first)} → ${iso(last)} only; bars outside it pay no funding (${files[s.symbol]})`,
      );
    }
  }
  return {
    source: {
      intervalMs: [...intervals][0] as number,
      // The broker asks at funding times: a settlement exactly then is charged, any other time charges nothing.
      rateAt: (symbol, time) => {
        const settled = bySymbol.get(symbol)?.rateAt(time);
        return settled !== undefined && settled.time === time ? settled.rate : 0;
      },
    },
    files,
    warnings,
  };
}

/** The `backtest.funding` config value as `--funding` entries. */
export function fundingEntries(value: string | Readonly<Record<string, string>> | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  return Object.entries(value).map(([symbol, file]) => `${symbol}=${file}`);
}

function iso(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace("T", " ");
}
