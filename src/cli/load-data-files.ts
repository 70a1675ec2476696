import type { DataIssue } from "../data/data-error.js";
import { DataFileError } from "../data/read-data-file.js";
import type { DataPolicy, DataReport } from "../data/validate.js";
import type { CandleSeries } from "../domain/candles.js";
import { readSeriesCache, seriesCacheEntry, writeSeriesCache } from "./series-cache.js";
import { UsageError } from "./usage-error.js";

/** How many spikes a run names one by one before "… and N more". */
const LISTED_SPIKES = 5;

interface DataFilesRequest {
  readonly files?: readonly string[] | undefined;
  readonly symbols: readonly string[];
  readonly policy: string;
  readonly dateFormat?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** Folder of the parsed-data cache (see series-cache.ts); undefined: every file is parsed. */
  readonly cacheDir?: string | undefined;
}

/**
 * Loads the --data files (CSV, CSV.gz or Parquet), validating each under --policy. Gap and spike warnings count
 * only the traded range (--from/--to), so a run is told about the data it trades, including the spikes that
 * `aegis data check` reports (an unadjusted split would otherwise trade as a crash, silently).
 */
export async function loadDataFiles(request: DataFilesRequest, warnings: string[]): Promise<CandleSeries[]> {
  const files = request.files ?? [];
  const loaded: CandleSeries[] = [];
  for (const [k, file] of files.entries()) {
    const symbol = request.symbols[k];
    // Everything the series and the warnings depend on, the file name as given included (warnings quote it).
    const key = { file, policy: request.policy, from: request.from, to: request.to, symbol, date: request.dateFormat };
    const entry = request.cacheDir === undefined ? undefined : seriesCacheEntry(request.cacheDir, file, key);
    const cached = entry === undefined ? undefined : readSeriesCache(entry);
    if (cached) {
      warnings.push(...cached.warnings);
      loaded.push(cached.series);
      continue;
    }
    // Imported on a cache miss only: the CSV and Parquet readers are most of what this step loads.
    const { loadCandles } = await import("../data/load-candles.js");
    let result: Awaited<ReturnType<typeof loadCandles>>;
    try {
      result = await loadCandles(file, {
        policy: request.policy as DataPolicy,
        range: { from: request.from, to: request.to },
        ...(symbol ? { symbol } : {}),
        ...(request.dateFormat ? { dateFormat: request.dateFormat } : {}),
      });
    } catch (error) {
      if (error instanceof DataFileError) throw new UsageError(`--data ${error.message}`);
      if (error instanceof RangeError) throw new UsageError(`--data ${file}: ${error.message}`);
      throw error;
    }
    const fileWarnings = dataWarnings(file, result.report, request.policy);
    if (entry !== undefined) writeSeriesCache(entry, { series: result.series, warnings: fileWarnings });
    warnings.push(...fileWarnings);
    loaded.push(result.series);
  }
  return loaded;
}

/** The warnings a run prints about one file's report. */
export function dataWarnings(file: string, report: DataReport, policy: string): string[] {
  const out: string[] = [];
  const { gaps } = report;
  if (gaps.count > 0) {
    out.push(
      `${file}: ${gaps.count} gap(s), ${gaps.missingBars} missing bar(s) in the traded range (calendar ${report.calendar}); trading continues across them`,
    );
  }
  const spikes = report.issues.filter((issue) => issue.kind === "spike");
  const total = report.counts.spike;
  if (total > 0) {
    const splits = spikes.filter((issue) => issue.message.includes("split")).length;
    out.push(
      `${file}: ${total} price spike(s) in the traded range` +
        (splits > 0
          ? `, ${splits} shaped like a stock split: is the data split-adjusted? (aegis data check ${file})`
          : ""),
    );
    for (const issue of spikes.slice(0, LISTED_SPIKES)) out.push(`  ${spikeLine(issue)}`);
    if (total > LISTED_SPIKES) out.push(`  … and ${total - LISTED_SPIKES} more`);
  }
  if (report.dropped > 0) out.push(`${file}: dropped ${report.dropped} bad row(s) (--policy ${policy})`);
  if (report.filled > 0) out.push(`${file}: filled ${report.filled} missing bar(s) with flat bars`);
  return out;
}

/** "2014-06-09 (line 4135): close 93.7 is a -85.5 % move …": the issue without the file name repeated. */
function spikeLine(issue: DataIssue): string {
  const day = issue.time === undefined ? "" : `${new Date(issue.time).toISOString().slice(0, 10)} `;
  const detail = issue.message.slice(issue.message.indexOf(": ") + 2);
  return `${day}${issue.line === undefined ? "" : `(line ${issue.line}) `}${detail}`;
}
