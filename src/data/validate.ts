import type { CandleSeries } from "../domain/candles.js";
import { bucketStart, isTimeframe, TIMEFRAMES, type Timeframe, timeframeMs } from "../domain/timeframe.js";
import { DataError, type DataIssue, type DataIssueKind, isoTime } from "./data-error.js";
import { detectCalendar, fillGaps, findGaps, type GapSummary, type SessionCalendar, type TimeRange } from "./gaps.js";
import { formatDuration, mostCommonStep, timeframeOfMs } from "./infer-timeframe.js";
import { type IssueCounts, IssueLog } from "./issue-log.js";
import { checkRows, PLAUSIBILITY_LIMITS, type PlausibilityLimits } from "./validate-rows.js";

/**
 * What to do with bad data. "reject" throws on any error-severity issue; "drop" removes bad rows, sorts and keeps
 * the first of duplicate times; "ffill" does the same and fills gaps with flat bars at the previous close and
 * volume 0. Warnings (gaps, zero volume, spikes, misaligned bars) never throw; implausible bars (a price of 1e308,
 * a high 50× the low, a 100× move: see `PLAUSIBILITY_LIMITS`) are errors like any other bad row.
 */
export type DataPolicy = "reject" | "drop" | "ffill";

/** Where a series came from, so issues can name the file and line. */
export interface SeriesSource {
  readonly file?: string;
  /** `lines[i]` = 1-based file line of bar i, header included. */
  readonly lines?: ArrayLike<number>;
  /** Data rows read, malformed ones included (default: the series length). */
  readonly rowsRead?: number;
  /** Issues already found while reading, to be reported with the rest. */
  readonly log?: IssueLog;
}

export interface ValidateOptions {
  /** Bar length; default: the series' own, else inferred from the most common step (the report says which). */
  readonly timeframe?: Timeframe | string;
  readonly policy?: DataPolicy;
  /** A close-to-close move with |ln(close / previous close)| above this is a "spike" warning (default 0.5, ~65 %). */
  readonly spikeThreshold?: number;
  /** Default: detected, "nyse", "weekdays" or "24/7" (see `detectCalendar` in gaps.ts). */
  readonly calendar?: SessionCalendar;
  /** Bounds past which a bar is an error, not a market; default `PLAUSIBILITY_LIMITS`. */
  readonly plausibility?: Partial<PlausibilityLimits>;
  /**
   * The span the caller will use (a backtest's --from/--to): gap and spike warnings count only inside it. Errors
   * are found in the whole series, because a policy applies to every row.
   */
  readonly range?: TimeRange;
  /** Issues kept per kind in the report (all are counted); default 100. */
  readonly maxIssuesPerKind?: number;
  /** Symbol of the returned series; default: the input's. */
  readonly symbol?: string;
  readonly source?: SeriesSource;
}

/** Everything learned about a series while validating it. */
export interface DataReport {
  readonly symbol: string;
  readonly file: string | undefined;
  readonly policy: DataPolicy;
  /** Data rows in the input (file rows, malformed included). */
  readonly rows: number;
  /** Bars in the returned series (after dropping and filling). */
  readonly outputRows: number;
  readonly timeframe: Timeframe | undefined;
  readonly timeframeSource: "option" | "series" | "inferred" | "unknown";
  readonly inferredTimeframe: Timeframe | undefined;
  /** The most common step between bars in ms, whether or not it is a known timeframe. */
  readonly inferredStepMs: number | undefined;
  readonly calendar: SessionCalendar;
  /** Issues ordered by line, at most `maxIssuesPerKind` of each kind; `counts` has the true numbers. */
  readonly issues: DataIssue[];
  readonly counts: IssueCounts;
  readonly errors: number;
  readonly warnings: number;
  readonly gaps: GapSummary;
  /** Input rows not in the output (malformed, bad values, duplicates), and why. */
  readonly dropped: number;
  readonly droppedByKind: Partial<Record<DataIssueKind, number>>;
  /** Flat bars added by the "ffill" policy. */
  readonly filled: number;
  readonly firstTime: number | undefined;
  readonly lastTime: number | undefined;
  /** Plain-language remarks, e.g. how the timeframe was chosen. */
  readonly notes: string[];
}

export interface ValidatedSeries {
  readonly series: CandleSeries;
  readonly report: DataReport;
}

const FILE_LEVEL_KINDS: readonly DataIssueKind[] = ["timeframe-mismatch", "empty", "bad-header"];

/**
 * Validates a series and applies the policy (default "reject"). Returns the series to use (the input itself when
 * nothing had to change) with its timeframe set, and the report. Throws DataError listing the errors under
 * "reject", and under every policy for problems that dropping rows cannot fix (timeframe mismatch, no rows left).
 */
export function validateSeries(series: CandleSeries, options: ValidateOptions = {}): ValidatedSeries {
  const policy = options.policy ?? "reject";
  const found = inspect(series, options, policy);
  const { log, report } = found;
  const file = options.source?.file;
  const fileLevel = FILE_LEVEL_KINDS.some((kind) => log.counts[kind] > 0);
  if (report.errors > 0 && (policy === "reject" || fileLevel)) {
    const errors = report.issues.filter((issue) => issue.severity === "error");
    const hint = fileLevel ? undefined : 'policy "reject"; policy "drop" would drop the bad rows';
    throw new DataError(errors, {
      total: report.errors,
      ...(file === undefined ? {} : { file }),
      ...(hint ? { hint } : {}),
    });
  }
  return { series: found.output, report };
}

/** The report of `validateSeries` without applying the policy or throwing: for "what is wrong with this file". */
export function checkSeries(series: CandleSeries, options: ValidateOptions = {}): DataReport {
  return inspect(series, options, options.policy ?? "reject").report;
}

function inspect(series: CandleSeries, options: ValidateOptions, policy: DataPolicy) {
  const source = options.source ?? {};
  const file = source.file;
  const lines = source.lines;
  const log = source.log ?? new IssueLog(options.maxIssuesPerKind ?? 100);
  const spikeThreshold = options.spikeThreshold ?? 0.5;
  if (!(spikeThreshold > 0)) throw new RangeError(`spikeThreshold must be > 0, got ${spikeThreshold}`);
  const limits = { ...PLAUSIBILITY_LIMITS, ...options.plausibility };
  for (const [name, value] of Object.entries(limits)) {
    if (!(value > 0)) throw new RangeError(`plausibility.${name} must be > 0, got ${value}`);
  }
  const range = options.range ?? {};
  const inRange = (t: number) => !(t < (range.from ?? t) || t > (range.to ?? t));
  // timeframeMs throws a RangeError naming the unknown timeframe and listing the known ones.
  if (options.timeframe !== undefined && !isTimeframe(options.timeframe)) timeframeMs(options.timeframe);
  const notes: string[] = [];

  const rows = checkRows(series, { file, lines }, log, limits);
  const order = rows.order;
  const lineOf = (j: number): number | undefined => lines?.[order === undefined ? j : (order[j] as number)];
  const at = (j: number, time: number) => ({ file, line: lineOf(j), index: j, time });
  const clean = order === undefined ? series : gather(series, order);
  const time = clean.time;
  const n = clean.length;

  const { timeframe, timeframeSource, inferred, stats } = resolveTimeframe(
    (options.timeframe as Timeframe | undefined) ?? series.timeframe,
    options.timeframe !== undefined,
    time,
    (detail) => log.add("timeframe-mismatch", detail, { file }),
    notes,
  );
  const stepMs = timeframe === undefined ? 0 : TIMEFRAMES[timeframe];
  const calendar = options.calendar ?? (timeframe === undefined ? "24/7" : detectCalendar(time, stepMs));
  if (timeframe !== undefined && options.calendar === undefined && calendar === "weekdays") {
    notes.push("no bar falls on a weekend: weekends are not counted as gaps (calendar: weekdays)");
  } else if (timeframe !== undefined && options.calendar === undefined && calendar === "nyse") {
    notes.push("no bar on weekends or NYSE holidays: neither is counted as a gap (calendar: nyse)");
  }
  if (range.from !== undefined || range.to !== undefined) {
    const from = range.from === undefined ? "the first bar" : isoTime(range.from);
    const to = range.to === undefined ? "the last bar" : isoTime(range.to);
    notes.push(`gaps and spikes counted from ${from} to ${to} only`);
  }

  let gaps: GapSummary = { count: 0, missingBars: 0, largestMissingBars: 0, largestMs: 0, largestAt: undefined };
  if (timeframe !== undefined) {
    gaps = findGaps(time, stepMs, calendar, (j, detail) => log.add("gap", detail, at(j, time[j] as number)), range);
    for (let j = 0; j < n; j++) {
      const t = time[j] as number;
      if (bucketStart(t, timeframe) !== t) {
        log.add("misaligned", `time ${isoTime(t)} is not on a ${timeframe} boundary`, at(j, t));
      }
    }
  }

  checkSpikes(clean, spikeThreshold, (j, detail) => {
    if (inRange(time[j] as number)) log.add("spike", detail, at(j, time[j] as number));
  });

  if (n === 0 && series.length > 0) log.add("empty", `all ${series.length} rows are bad; nothing is left`, { file });
  else if (n === 0) log.add("empty", "the series has no bars", { file });

  let output = clean;
  let filled = 0;
  if (policy === "ffill" && timeframe !== undefined && gaps.count > 0) {
    output = fillGaps(clean, stepMs, calendar);
    filled = output.length - n;
    notes.push(`${filled} missing bars filled with flat bars at the previous close and volume 0`);
  } else if (policy === "ffill" && timeframe === undefined) {
    notes.push("no gaps filled: the timeframe is unknown");
  }
  const symbol = options.symbol ?? series.symbol;
  if (output.timeframe !== timeframe || output.symbol !== symbol) output = { ...output, symbol, timeframe };

  const rowsRead = source.rowsRead ?? series.length;
  const droppedByKind = { ...rows.droppedByKind };
  if (log.counts["malformed-row"] > 0) droppedByKind["malformed-row"] = log.counts["malformed-row"];
  const report: DataReport = {
    symbol,
    file,
    policy,
    rows: rowsRead,
    outputRows: output.length,
    timeframe,
    timeframeSource,
    inferredTimeframe: inferred,
    inferredStepMs: stats?.stepMs,
    calendar,
    issues: log.issues(),
    counts: { ...log.counts },
    errors: log.count("error"),
    warnings: log.count("warning"),
    gaps,
    dropped: rowsRead - n,
    droppedByKind,
    filled,
    firstTime: output.length > 0 ? output.time[0] : undefined,
    lastTime: output.length > 0 ? output.time[output.length - 1] : undefined,
    notes,
  };
  return { log, report, output };
}

/**
 * The timeframe to check gaps against: the declared one when the data agrees with it (a contradiction is logged
 * and leaves it unknown), else the one inferred from the most common step. Explains an inferred choice in `notes`.
 */
function resolveTimeframe(
  declared: Timeframe | undefined,
  fromOption: boolean,
  time: Float64Array,
  onMismatch: (detail: string) => void,
  notes: string[],
) {
  const stats = mostCommonStep(time);
  const inferred = stats === undefined ? undefined : timeframeOfMs(stats.stepMs);
  const steps = stats === undefined ? "" : `${stats.count} of ${stats.steps} steps`;
  let timeframe = declared ?? inferred;
  let timeframeSource: DataReport["timeframeSource"] = fromOption ? "option" : declared ? "series" : "inferred";
  if (declared !== undefined && stats !== undefined && stats.stepMs !== TIMEFRAMES[declared]) {
    onMismatch(
      `timeframe ${declared} was given but the most common step between bars is ${formatDuration(stats.stepMs)} (${steps})`,
    );
    timeframe = undefined;
  } else if (declared === undefined && stats !== undefined) {
    notes.push(
      inferred === undefined
        ? `timeframe unknown: the most common step, ${formatDuration(stats.stepMs)}, is not a timeframe; gaps not checked`
        : `timeframe ${inferred} inferred from the most common step between bars (${steps})`,
    );
  }
  if (timeframe === undefined) timeframeSource = "unknown";
  return { timeframe, timeframeSource, inferred, stats };
}

/**
 * Close-to-close moves with |ln(close / previous close)| above `threshold`, reported at the later bar. A move
 * whose open is within 3 % of an n:1 or 1:n ratio (n = 2…10) of the previous close says so: in unadjusted equity
 * data that is most likely a split, which a backtest would trade as a crash.
 */
function checkSpikes(series: CandleSeries, threshold: number, onSpike: (index: number, detail: string) => void): void {
  const closes = series.close;
  for (let j = 1; j < series.length; j++) {
    const previous = closes[j - 1] as number;
    const move = Math.log((closes[j] as number) / previous);
    if (Math.abs(move) > threshold) {
      const percent = `${move > 0 ? "+" : ""}${(Math.expm1(move) * 100).toFixed(1)} %`;
      const split = splitRatio(previous / (series.open[j] as number));
      onSpike(
        j,
        `close ${closes[j]} is a ${percent} move from the previous close ${previous} ` +
          `(|ln| ${Math.abs(move).toFixed(3)} > ${threshold})` +
          (split === undefined ? "" : `; the open looks like a ${split} split: is the data split-adjusted?`),
      );
    }
  }
}

/** "7:1" when `ratio` (previous close / open) is within 3 % of n or 1/n for n = 2…10. */
export function splitRatio(ratio: number): string | undefined {
  if (!(ratio > 0) || !Number.isFinite(ratio)) return undefined;
  const up = ratio >= 1;
  const size = up ? ratio : 1 / ratio;
  const n = Math.round(size);
  if (n < 2 || n > 10 || Math.abs(size / n - 1) > 0.03) return undefined;
  return up ? `${n}:1` : `1:${n}`;
}

/** A copy of the bars at `order`, in that order. */
function gather(series: CandleSeries, order: Int32Array): CandleSeries {
  const pick = (column: Float64Array) => {
    const result = new Float64Array(order.length);
    for (let j = 0; j < order.length; j++) result[j] = column[order[j] as number] as number;
    return result;
  };
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    time: pick(series.time),
    open: pick(series.open),
    high: pick(series.high),
    low: pick(series.low),
    close: pick(series.close),
    volume: pick(series.volume),
    length: order.length,
  };
}
