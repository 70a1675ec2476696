import type { CandleSeries } from "../domain/candles.js";
import { type DataIssueKind, isoTime } from "./data-error.js";
import type { IssueLog } from "./issue-log.js";

/** Where row `index` came from: its file line when known. */
export interface RowSource {
  readonly file: string | undefined;
  readonly lines: ArrayLike<number> | undefined;
}

/** Result of the per-row and ordering checks. */
export interface RowCheck {
  /** Kept rows in time order without duplicates, as indices into the input; undefined when that is every row as is. */
  readonly order: Int32Array | undefined;
  /** Rows that a "drop" policy removes, by the reason found first for each. */
  readonly droppedByKind: Partial<Record<DataIssueKind, number>>;
}

const PRICE_FIELDS = ["open", "high", "low", "close"] as const;

/**
 * Bounds beyond which a bar is not a market but a broken file (a value of 1e308, a price in the wrong unit, a
 * stray digit). Each is far outside what any traded market has printed, so real data never trips them:
 * - `maxPrice` 1e12 and `minPrice` 1e-12: BTC in Vietnamese dong is ~2.5e9; SHIB priced in BTC is ~2e-10.
 * - `maxBarRange` 20: high / low within one bar. Real bars stay far below it (BTC's worst hour, 2020-03-12, had a
 *   range of ~1.3); only a broken print or a thin-book flash crash reaches 20×.
 * - `maxMove` 100: close / previous close (or its inverse). Unadjusted equity splits (AAPL 7:1, NVDA 10:1) and
 *   the worst crashes stay below it; a 100× move in one bar is a unit change or a typo.
 */
export interface PlausibilityLimits {
  readonly maxPrice: number;
  readonly minPrice: number;
  readonly maxBarRange: number;
  readonly maxMove: number;
}

export const PLAUSIBILITY_LIMITS: PlausibilityLimits = {
  maxPrice: 1e12,
  minPrice: 1e-12,
  maxBarRange: 20,
  maxMove: 100,
};

/**
 * Checks every row on its own (finite values, positive prices, high >= low, open and close inside [low, high],
 * volume >= 0, zero volume as a warning, prices and bar range within `limits`), then the order of the rows that
 * passed (unsorted, duplicate times), then each close against the previous kept one (a move beyond
 * `limits.maxMove` drops the later bar). Logs each problem with its file line; a duplicate names the line of the
 * row it repeats, which is kept.
 */
export function checkRows(
  series: CandleSeries,
  source: RowSource,
  log: IssueLog,
  limits: PlausibilityLimits = PLAUSIBILITY_LIMITS,
): RowCheck {
  const { time, open, high, low, close, volume } = series;
  const n = series.length;
  const bad = new Uint8Array(n);
  const droppedByKind: Partial<Record<DataIssueKind, number>> = {};
  const at = (i: number) => ({ file: source.file, line: source.lines?.[i], index: i, time: time[i] as number });
  const ref = (i: number) => (source.lines === undefined ? `bar ${i}` : `line ${source.lines[i]}`);
  const reject = (i: number, kind: DataIssueKind, detail: string) => {
    log.add(kind, detail, at(i));
    bad[i] = 1;
    droppedByKind[kind] = (droppedByKind[kind] ?? 0) + 1;
  };

  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    const o = open[i] as number;
    const h = high[i] as number;
    const l = low[i] as number;
    const c = close[i] as number;
    const v = volume[i] as number;
    if (!Number.isFinite(t)) {
      reject(i, "nan", `time is ${t}`);
      continue;
    }
    if (!(Number.isFinite(o) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c) && Number.isFinite(v))) {
      const values = { open: o, high: h, low: l, close: c, volume: v };
      const names = Object.entries(values).filter(([, value]) => !Number.isFinite(value));
      const list = names.map(([name, value]) => `${name} is ${value}`).join(", ");
      reject(i, "nan", `${list} at ${isoTime(t)} (missing or not a number)`);
      continue;
    }
    if (o <= 0 || h <= 0 || l <= 0 || c <= 0) {
      const values = [o, h, l, c];
      const names = PRICE_FIELDS.filter((_, k) => (values[k] as number) <= 0);
      const list = names.map((name) => `${name} ${values[PRICE_FIELDS.indexOf(name)]}`).join(", ");
      reject(i, "non-positive-price", `${list} ${names.length === 1 ? "is" : "are"} not a positive price`);
      continue;
    }
    if (h < l) {
      reject(i, "high-below-low", `high ${h} < low ${l}`);
      continue;
    }
    if (h < o || h < c || l > o || l > c) {
      const wrong: string[] = [];
      if (h < o) wrong.push(`high ${h} < open ${o}`);
      if (h < c) wrong.push(`high ${h} < close ${c}`);
      if (l > o) wrong.push(`low ${l} > open ${o}`);
      if (l > c) wrong.push(`low ${l} > close ${c}`);
      reject(i, "ohlc-inconsistent", wrong.join(", "));
      continue;
    }
    // Only the low and the high can leave the range (open and close lie between them, checked above); the list of
    // offending fields is built only for a bar that fails, as this runs once per row of every file loaded.
    if (h > limits.maxPrice || l < limits.minPrice) {
      const outside = PRICE_FIELDS.filter((_, k) => {
        const price = [o, h, l, c][k] as number;
        return price > limits.maxPrice || price < limits.minPrice;
      });
      const list = outside.map((name) => `${name} ${{ open: o, high: h, low: l, close: c }[name]}`).join(", ");
      reject(i, "implausible", `${list} outside the plausible price range [${limits.minPrice}, ${limits.maxPrice}]`);
      continue;
    }
    if (h / l > limits.maxBarRange) {
      reject(
        i,
        "implausible",
        `high ${h} is ${formatRatio(h / l)}× the low ${l} within one bar (limit ${limits.maxBarRange}×)`,
      );
      continue;
    }
    if (v < 0) reject(i, "negative-volume", `volume ${v} is negative`);
    else if (v === 0) log.add("zero-volume", `volume is 0 at ${isoTime(t)}`, at(i));
  }

  let previous = -1;
  let sorted = true;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (bad[i] === 1) continue;
    kept++;
    if (previous >= 0) {
      const t = time[i] as number;
      const p = time[previous] as number;
      if (t < p) {
        sorted = false;
        log.add("unsorted", `time ${isoTime(t)} is earlier than ${isoTime(p)} on ${ref(previous)}`, at(i));
      } else if (t === p) {
        // Keep the first of equal times: mark this one so the order pass below drops it.
        log.add("duplicate", `duplicate time ${isoTime(t)} (first on ${ref(previous)})`, at(i));
        bad[i] = 2;
        droppedByKind.duplicate = (droppedByKind.duplicate ?? 0) + 1;
        kept--;
        continue;
      }
    }
    previous = i;
  }
  let order: number[] | undefined;
  if (!(sorted && kept === n)) {
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) if (bad[i] === 0) candidates.push(i);
    // Array.prototype.sort is stable, so equal times stay in file order and the first one in the file is kept.
    if (!sorted) candidates.sort((a, b) => (time[a] as number) - (time[b] as number));
    order = [];
    for (const i of candidates) {
      const last = order.length > 0 ? (order[order.length - 1] as number) : -1;
      if (last >= 0 && time[last] === time[i]) {
        log.add("duplicate", `duplicate time ${isoTime(time[i] as number)} (first on ${ref(last)})`, at(i));
        droppedByKind.duplicate = (droppedByKind.duplicate ?? 0) + 1;
        continue;
      }
      order.push(i);
    }
  }

  // A bar that moves beyond maxMove from the last kept close is dropped, so one broken print does not also
  // condemn the honest bar after it.
  const count = order === undefined ? n : order.length;
  const moved: number[] = [];
  let previousClose = Number.NaN;
  let previousIndex = -1;
  for (let j = 0; j < count; j++) {
    const i = order === undefined ? j : (order[j] as number);
    const c = close[i] as number;
    if (previousIndex >= 0) {
      const ratio = c > previousClose ? c / previousClose : previousClose / c;
      if (ratio > limits.maxMove) {
        const direction = c > previousClose ? "above" : "below";
        reject(
          i,
          "implausible",
          `close ${c} is ${formatRatio(ratio)}× ${direction} the previous close ${previousClose} on ${ref(previousIndex)} (limit ${limits.maxMove}×)`,
        );
        moved.push(i);
        continue;
      }
    }
    previousClose = c;
    previousIndex = i;
  }
  if (moved.length === 0) return { order: order === undefined ? undefined : Int32Array.from(order), droppedByKind };
  const base = order ?? Array.from({ length: n }, (_, i) => i);
  return { order: Int32Array.from(base.filter((i) => bad[i] === 0)), droppedByKind };
}

/** 53.2, 1.2e+5: a ratio short enough for a message. */
function formatRatio(ratio: number): string {
  return ratio < 1e4 ? String(Math.round(ratio * 10) / 10) : ratio.toExponential(1);
}
