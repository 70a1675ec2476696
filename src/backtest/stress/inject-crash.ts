import { type CandleSeries, emptySeries } from "../../domain/candles.js";

export interface FlashCrashOptions {
  /** Index of the crash bar. */
  readonly at: number;
  /** Size of the drop as a fraction of the crash bar's open: 0.2 = the low is 20 % below the open. */
  readonly drop: number;
  /** Share of the drop won back by the end of the rebound: 0.5 = half of it (default 0.5). */
  readonly rebound?: number;
  /** Bars over which the rebound happens, after the crash bar (default 6). */
  readonly reboundBars?: number;
  /**
   * false (default): the crash happens inside the bar — it opens at its usual price and trades down, so a stop
   * can fill at its own price. true: the bar opens already at the bottom (a gap), so every stop fills at the open.
   */
  readonly gap?: boolean;
  /** Volume multiplier on the crash bar, fading back to 1 over the rebound (default 10). */
  readonly volumeSpike?: number;
}

/** The levels of an injected crash, for reports and tests. */
export interface FlashCrashLevels {
  /** The crash bar's original open: the price the drop is measured from. */
  readonly reference: number;
  /** The crash bar's low and close: reference × (1 − drop). */
  readonly bottom: number;
  /**
   * Every bar after the rebound is the original bar × this factor: 1 − drop × (1 − rebound). The market then goes
   * on as it did, from a lower level, so the series stays continuous.
   */
  readonly afterRebound: number;
  /** Index of the last rebound bar (clipped to the series). */
  readonly reboundEnd: number;
}

/**
 * Returns a copy of `series` with a flash crash at bar `at`; the input is not modified.
 *
 * Reading the result: bars before `at` are unchanged. The crash bar opens at its original open O (or at the bottom
 * with `gap`), has its high at the open, and its low and close at O × (1 − drop). The next `reboundBars` bars are
 * the original bars scaled by a factor that moves linearly from the crash close's factor to
 * 1 − drop × (1 − rebound) — each bar's open uses the previous close's factor, so no bar gaps against the one
 * before, and high/low are widened when needed to keep O, C inside [L, H]. Every later bar is the original bar ×
 * 1 − drop × (1 − rebound). Volume is × `volumeSpike` on the crash bar, fading linearly over the rebound. Times do
 * not change.
 */
export function injectFlashCrash(series: CandleSeries, options: FlashCrashOptions): CandleSeries {
  return injectFlashCrashWithLevels(series, options).series;
}

/** {@link injectFlashCrash}, also returning the crash's levels. */
export function injectFlashCrashWithLevels(
  series: CandleSeries,
  options: FlashCrashOptions,
): { series: CandleSeries; levels: FlashCrashLevels } {
  const { at, drop } = options;
  const rebound = options.rebound ?? 0.5;
  const reboundBars = options.reboundBars ?? 6;
  const spike = options.volumeSpike ?? 10;
  const n = series.length;
  if (!Number.isInteger(at) || at < 0 || at >= n) {
    throw new RangeError(`crash bar ${at} is outside the series ${series.symbol} (bars 0..${n - 1})`);
  }
  if (!(drop > 0 && drop < 1)) throw new RangeError(`crash drop must be a fraction in (0, 1), got ${drop}`);
  if (!(rebound >= 0 && rebound <= 1)) throw new RangeError(`crash rebound must be in [0, 1], got ${rebound}`);
  if (!Number.isInteger(reboundBars) || reboundBars < 1) {
    throw new RangeError(`crash reboundBars must be a whole number >= 1, got ${reboundBars}`);
  }
  if (!(spike >= 1)) throw new RangeError(`crash volumeSpike must be >= 1, got ${spike}`);
  const reference = series.open[at] as number;
  const originalClose = series.close[at] as number;
  if (!(reference > 0) || !(originalClose > 0)) {
    throw new RangeError(
      `${series.symbol} bar ${at}: open ${reference} and close ${originalClose} must be > 0 to inject a crash`,
    );
  }

  const out = emptySeries(series.symbol, series.timeframe, n);
  out.time.set(series.time);
  out.open.set(series.open);
  out.high.set(series.high);
  out.low.set(series.low);
  out.close.set(series.close);
  out.volume.set(series.volume);

  const bottom = reference * (1 - drop);
  out.open[at] = options.gap ? bottom : reference;
  out.high[at] = options.gap ? bottom : reference;
  out.low[at] = bottom;
  out.close[at] = bottom;
  out.volume[at] = (series.volume[at] as number) * spike;

  const afterRebound = 1 - drop * (1 - rebound);
  // The factor that maps the original close of each bar onto the crashed path: the crash close's, then the ramp.
  const crashFactor = bottom / originalClose;
  const reboundEnd = Math.min(n - 1, at + reboundBars);
  let previous = crashFactor;
  for (let j = at + 1; j <= reboundEnd; j++) {
    const step = j - at;
    const factor =
      step === reboundBars ? afterRebound : crashFactor + ((afterRebound - crashFactor) * step) / reboundBars;
    const open = (series.open[j] as number) * previous;
    const close = (series.close[j] as number) * factor;
    out.open[j] = open;
    out.close[j] = close;
    out.high[j] = Math.max((series.high[j] as number) * Math.max(previous, factor), open, close);
    out.low[j] = Math.min((series.low[j] as number) * Math.min(previous, factor), open, close);
    out.volume[j] = (series.volume[j] as number) * (1 + ((spike - 1) * (reboundBars + 1 - step)) / (reboundBars + 1));
    previous = factor;
  }
  for (let j = reboundEnd + 1; j < n; j++) {
    out.open[j] = (series.open[j] as number) * afterRebound;
    out.high[j] = (series.high[j] as number) * afterRebound;
    out.low[j] = (series.low[j] as number) * afterRebound;
    out.close[j] = (series.close[j] as number) * afterRebound;
  }
  return { series: out, levels: { reference, bottom, afterRebound, reboundEnd } };
}
