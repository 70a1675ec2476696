import { ignoreSignalsBefore } from "../backtest/ignore-signals-before.js";
import type { BacktestResult } from "../backtest/run-backtest.js";
import { defaultWarmupBars, strategyLookback } from "../backtest/strategy-warmup.js";
import { type CandleSeries, lowerBound, sliceSeries } from "../domain/candles.js";
import type { Strategy } from "../strategy/strategy.js";
import { isoMinute } from "./format-time.js";
import type { LoadedMarketData } from "./market-data.js";

/**
 * Freqtrade's startup candles for `--from`: the bars just before the range warm the strategy's indicators, with
 * its signals ignored there, so a 500-bar indicator can trade from the first bar of the range when the data has
 * history. The results are then cut back to the range, so every figure is measured on it alone.
 */
export interface WarmupPlan<S extends Strategy> {
  /** Series to run: each range with up to {@link defaultWarmupBars} bars of history in front. */
  readonly series: CandleSeries[];
  /** The strategy to run: signals before the range are dropped. */
  readonly strategy: S;
  /** Warm-up bars in front of each series, in its order. */
  readonly warmupBars: readonly number[];
  /** One line for the console; undefined when there was nothing to warm. */
  readonly note: string | undefined;
  /** The run's result, measured from the first bar of the range. */
  measured(result: BacktestResult): BacktestResult;
}

/**
 * Plans the warm-up of `strategy` for the loaded ranges (cut at --from/--to) out of their history (cut only at
 * --to). Without --from, or without bars before it, the run is unchanged.
 */
export function planWarmup<S extends Strategy>(strategy: S, data: LoadedMarketData): WarmupPlan<S> {
  const measured = data.series;
  const unchanged: WarmupPlan<S> = {
    series: [...measured],
    strategy,
    warmupBars: measured.map(() => 0),
    note: undefined,
    measured: (result) => result,
  };
  if (data.history === undefined) return unchanged;
  const { series: history, from } = data.history;
  let wanted = 0;
  const series: CandleSeries[] = [];
  const warmupBars: number[] = [];
  for (const full of history) {
    const start = lowerBound(full, from);
    const lookback = start > 0 ? strategyLookback(strategy, full) : 0;
    wanted = Math.max(wanted, lookback);
    const used = Math.min(start, defaultWarmupBars(lookback));
    series.push(sliceSeries(full, start - used, full.length));
    warmupBars.push(used);
  }
  if (warmupBars.every((n) => n === 0)) return unchanged;
  const counts = new Set(warmupBars);
  const shown =
    counts.size === 1
      ? `${warmupBars[0]} bars`
      : history
          .map((s, k) => `${s.symbol} ${warmupBars[k]}`)
          .join(", ")
          .concat(" bars");
  const short = warmupBars.some((n) => n < wanted);
  const note =
    `warm-up  ${shown} before ${isoMinute(from)} warmed the indicators (longest lookback ${wanted} bars; ` +
    `no trading there)${short ? "; the data has fewer bars than the lookback before --from, so the first signals come later" : ""}`;
  return {
    series,
    strategy: ignoreSignalsBefore(strategy, from),
    warmupBars,
    note,
    measured: (result) =>
      measureFrom(
        result,
        from,
        warmupBars.reduce((a, b) => a + b, 0),
      ),
  };
}

function measureFrom(result: BacktestResult, from: number, warmupBars: number): BacktestResult {
  const time = result.equity.time;
  let first = 0;
  while (first < time.length && (time[first] as number) < from) first++;
  return {
    ...result,
    equity: { time: time.subarray(first), equity: result.equity.equity.subarray(first) },
    inMarket: result.inMarket.subarray(first),
    bars: result.bars - warmupBars,
  };
}
