import { CALENDAR_NAMES, calendarByName } from "../../data/calendar/exchange-calendar.js";
import { compileDateFormat } from "../../data/csv/parse-timestamp.js";
import { DataError } from "../../data/data-error.js";
import type { SessionCalendar } from "../../data/gaps.js";
import { formatDuration } from "../../data/infer-timeframe.js";
import { loadCandles } from "../../data/load-candles.js";
import { DataFileError } from "../../data/read-data-file.js";
import type { DataPolicy, DataReport } from "../../data/validate.js";
import { UsageError } from "../usage-error.js";

export interface DataFileCliOptions {
  timeframe?: string;
  policy: string;
  dateFormat?: string;
  calendar?: string;
}

/**
 * Checks the options shared by the data commands and turns them into loader options; a bad value is a UsageError
 * (exit 2) that names the option.
 */
export function dataFileOptions(options: DataFileCliOptions) {
  if (!["reject", "drop", "ffill"].includes(options.policy))
    throw new UsageError(`--policy ${options.policy}: expected reject, drop or ffill`);
  if (options.dateFormat !== undefined) {
    try {
      compileDateFormat(options.dateFormat);
    } catch (error) {
      throw new UsageError(`--date-format: ${(error as Error).message}`);
    }
  }
  if (options.calendar !== undefined) {
    try {
      calendarByName(options.calendar);
    } catch {
      throw new UsageError(`--calendar ${options.calendar}: expected one of ${CALENDAR_NAMES.join(", ")}`);
    }
  }
  return {
    policy: options.policy as DataPolicy,
    ...(options.timeframe ? { timeframe: options.timeframe } : {}),
    ...(options.dateFormat ? { dateFormat: options.dateFormat } : {}),
    ...(options.calendar ? { calendar: options.calendar.toLowerCase() as SessionCalendar } : {}),
  };
}

/** Runs `load`, turning a file that cannot be read into a UsageError (exit 2) with a plain message. */
export async function withReadableFile<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof DataFileError) throw new UsageError(error.message);
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `aegis data check FILE`: the validation report of a CSV, CSV.gz or Parquet file. Exit 0 when the file loads
 * (warnings allowed), 1 when the policy refuses it (its errors are printed), 2 when it cannot be read at all.
 */
export async function dataCheckCommand(
  file: string,
  options: DataFileCliOptions & { json?: boolean },
  _globals: unknown,
): Promise<void> {
  const loadOptions = dataFileOptions(options);
  try {
    const { series, report } = await withReadableFile(() => loadCandles(file, loadOptions));
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const lines = [
      `${file}: ${report.rows} rows → ${series.length} bars of ${report.symbol}, timeframe ${report.timeframe ?? "unknown"} (${report.timeframeSource})`,
      `range: ${iso(report.firstTime)} → ${iso(report.lastTime)}; calendar ${report.calendar}`,
      `errors ${report.errors}, warnings ${report.warnings}; gaps ${report.gaps.count} (${report.gaps.missingBars} missing bars)` +
        (report.dropped > 0 ? `; dropped ${report.dropped}` : "") +
        (report.filled > 0 ? `; filled ${report.filled}` : ""),
      ...largestGap(report),
      ...report.issues.slice(0, 30).map((issue) => `  ${issue.severity}: ${issue.message}`),
      ...(report.errors + report.warnings > 30
        ? [
            `  … and ${report.errors + report.warnings - Math.min(30, report.issues.length)} more (--json lists up to 100 per kind)`,
          ]
        : []),
      ...report.notes.map((note) => `note: ${note}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (error) {
    if (error instanceof DataError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

/** "largest gap: 10 missing bars (10h) after 2019-05-15T02:00:00.000Z", or nothing without a gap. */
export function largestGap(report: DataReport): string[] {
  const { gaps } = report;
  if (gaps.count === 0 || gaps.largestAt === undefined) return [];
  const bars = `${gaps.largestMissingBars} missing bar${gaps.largestMissingBars === 1 ? "" : "s"}`;
  return [`largest gap: ${bars} (${formatDuration(gaps.largestMs)} without data) after ${iso(gaps.largestAt)}`];
}

function iso(ms: number | undefined): string {
  return ms === undefined ? "none" : new Date(ms).toISOString();
}
