import type { CandleSeries } from "../../domain/candles.js";
import type { Instrument } from "../../domain/instrument.js";
import type { SlippageModel } from "../../execution/slippage.js";
import type { PositionManager } from "../../risk/position/types.js";
import type { RiskShield } from "../../risk/shield.js";
import type { SizeRule } from "../../risk/sizing/size-rule.js";
import type { Strategy } from "../../strategy/strategy.js";
import { type BacktestOptions, runBacktest } from "../run-backtest.js";
import { strategyLookback } from "../strategy-warmup.js";
import { analyzeCrashWindow, type CrashWindowFacts } from "./analyze-crash-window.js";
import { chooseInjectionPoints, type PositionAtCrash } from "./choose-injection-points.js";
import { injectFlashCrash } from "./inject-crash.js";
import { declaredStops, StopObserver } from "./stop-detection.js";

export interface StressTestOptions {
  readonly series: CandleSeries;
  readonly strategy: Strategy;
  /** Size of each flash crash, a fraction of the crash bar's open (default 0.2). */
  readonly crash?: number;
  /** Share of the drop won back (default 0.5), over `reboundBars` bars (default 6). */
  readonly rebound?: number;
  readonly reboundBars?: number;
  /** Crash at the open (a gap: every stop fills at the bottom) instead of inside the bar (default false). */
  readonly gap?: boolean;
  /** How many crashes, each in its own run (default 5). */
  readonly injections?: number;
  /** An injection fails when its max drawdown reaches this fraction (default 0.15). */
  readonly threshold?: number;
  /** Bars after the crash bar that belong to the crash window (default 24). */
  readonly windowBars?: number;
  /** Losing entries inside the window that count as a re-entry loop (default 2). */
  readonly loopEntries?: number;
  /** No crash before this bar (default: the strategy's lookback + 1, the first bar it can have a position). */
  readonly warmupBars?: number;
  readonly cash: number;
  readonly fee?: number;
  readonly slippage?: SlippageModel;
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  readonly instrument?: Instrument;
  /** A fresh shield for each run: layers keep state (kill-switch latch, trade counts) that must not leak. */
  readonly shield?: () => RiskShield;
  /** A fresh position manager for each run, for the same reason. */
  readonly positionManager?: () => PositionManager;
  readonly regimeColumn?: BacktestOptions["regimeColumn"];
}

export interface InjectionResult extends CrashWindowFacts {
  /** Index and open time of the crash bar. */
  readonly index: number;
  readonly time: number;
  /** The position held when the crash bar opened. */
  readonly position: PositionAtCrash;
  readonly chosenBecause: string;
  /** Last bar of the crash window. */
  readonly windowEnd: number;
  /** The same drawdown measure over the same bars of the run without a crash, for comparison. */
  readonly baselineDrawdown: number;
  readonly reentryLoop: boolean;
  readonly passed: boolean;
  /** Why it failed; empty when it passed. */
  readonly reasons: readonly string[];
}

export interface StressReport {
  readonly settings: {
    readonly crash: number;
    readonly rebound: number;
    readonly reboundBars: number;
    readonly gap: boolean;
    readonly injections: number;
    readonly threshold: number;
    readonly windowBars: number;
    readonly loopEntries: number;
    readonly warmupBars: number;
  };
  readonly stop: {
    readonly exists: boolean;
    readonly declared: readonly string[];
    readonly observed: readonly string[];
  };
  readonly injections: readonly InjectionResult[];
  readonly passed: boolean;
  /** Every reason for a failure, or one line saying why it passed. */
  readonly reasons: readonly string[];
}

/**
 * The flash-crash red-team gate (AlphaWEEX Layer 3). Runs the strategy once on `series` unchanged, chooses crash
 * points from that run (see {@link chooseInjectionPoints}), then for each point runs the same engine path
 * (`runBacktest`) on a copy of the series with a flash crash injected there, and reads the crash window:
 * the crash bar and the `windowBars` bars after it.
 *
 * An injection passes when its max drawdown — from the equity at the close of the bar before the crash to the
 * lowest equity at a bar close in the window — is below `threshold`, no position was liquidated in the window,
 * and the strategy did not re-enter in a loop (at least `loopEntries` positions opened and closed at a net loss
 * inside the window). The test passes when every injection passes AND a stop-loss exists (declared by the spec
 * or attached by the strategy / position management during the runs) AND in at least one injection the long
 * position held into the crash was closed by its stop-loss inside the window.
 */
export function runStressTest(options: StressTestOptions): StressReport {
  const settings = resolveSettings(options);
  const { series } = options;
  const observer = new StopObserver();
  const strategy = observer.strategy(options.strategy);
  const run = (data: CandleSeries) =>
    runBacktest({
      feeds: [
        {
          series: data,
          strategy,
          ...(options.size ? { size: options.size } : {}),
          ...(options.leverage !== undefined ? { leverage: options.leverage } : {}),
          ...(options.allowShort !== undefined ? { allowShort: options.allowShort } : {}),
          ...(options.instrument ? { instrument: options.instrument } : {}),
        },
      ],
      cash: options.cash,
      ...(options.fee !== undefined ? { fee: options.fee } : {}),
      ...(options.slippage ? { slippage: options.slippage } : {}),
      ...(options.shield ? { shield: options.shield() } : {}),
      ...(options.positionManager ? { positionManager: observer.positionManager(options.positionManager()) } : {}),
      ...(options.regimeColumn ? { regimeColumn: options.regimeColumn } : {}),
      runId: "stress",
    });

  const baseline = run(series);
  // The window must end before the last bar, whose close is where the backtest flattens what is still open.
  const last = series.length - 2 - settings.windowBars;
  if (last < settings.warmupBars) {
    throw new RangeError(
      `${series.symbol}: ${series.length} bars are too few for a stress test with a ${settings.warmupBars}-bar ` +
        `warm-up and a ${settings.windowBars}-bar crash window (need at least ${settings.warmupBars + settings.windowBars + 2})`,
    );
  }
  const points = chooseInjectionPoints({
    series,
    fills: baseline.fills,
    count: settings.injections,
    first: settings.warmupBars,
    last,
    windowBars: settings.windowBars,
  });

  const injections = points.map((point): InjectionResult => {
    const crashed = injectFlashCrash(series, {
      at: point.index,
      drop: settings.crash,
      rebound: settings.rebound,
      reboundBars: settings.reboundBars,
      gap: settings.gap,
    });
    const end = point.index + settings.windowBars;
    const facts = analyzeCrashWindow(run(crashed), crashed, point.index, end, options.cash);
    const before = analyzeCrashWindow(baseline, series, point.index, end, options.cash);
    const reentryLoop = facts.losingEntries >= settings.loopEntries;
    const reasons: string[] = [];
    if (facts.maxDrawdown >= settings.threshold) {
      reasons.push(`max drawdown ${percent(facts.maxDrawdown)} ≥ threshold ${percent(settings.threshold)}`);
    }
    if (facts.liquidated) reasons.push("a position was liquidated in the crash window");
    if (reentryLoop) {
      reasons.push(
        `re-entry loop: ${facts.losingEntries} of ${facts.entries} positions opened in the crash window closed at a loss`,
      );
    }
    return {
      index: point.index,
      time: series.time[point.index] as number,
      position: point.position,
      chosenBecause: point.chosenBecause,
      windowEnd: end,
      ...facts,
      baselineDrawdown: before.maxDrawdown,
      reentryLoop,
      passed: reasons.length === 0,
      reasons,
    };
  });

  const declared = declaredStops(options.strategy);
  const observed = observer.observed;
  const stopExists = declared.length > 0 || observed.length > 0;
  const reasons: string[] = [];
  const failed = injections.flatMap((i, k) => (i.passed ? [] : [`#${k + 1}`]));
  if (failed.length > 0) {
    reasons.push(`${failed.length} of ${injections.length} injections failed (${failed.join(", ")})`);
  }
  if (!stopExists) {
    reasons.push("no stop-loss: the strategy declares none and none was attached by it or by position management");
  }
  const exposed = injections.filter((i) => i.position === "long");
  if (exposed.length === 0) {
    reasons.push("no injection found a long position to crash into: the stop could not be tested");
  } else if (stopExists && !exposed.some((i) => i.positionStopped)) {
    reasons.push(
      `the stop-loss never fired: in none of the ${exposed.length} injections with a long position did it close that position in the crash window`,
    );
  }
  const passed = reasons.length === 0;
  if (passed) {
    const stopped = exposed.filter((i) => i.positionStopped).length;
    const worst = Math.max(...injections.map((i) => i.maxDrawdown));
    reasons.push(
      `every max drawdown below ${percent(settings.threshold)} (worst ${percent(worst)}); the stop fired in ${stopped} of ${exposed.length} injections with a long position`,
    );
  }
  return {
    settings,
    stop: { exists: stopExists, declared, observed },
    injections,
    passed,
    reasons,
  };
}

function resolveSettings(options: StressTestOptions): StressReport["settings"] {
  const settings = {
    crash: options.crash ?? 0.2,
    rebound: options.rebound ?? 0.5,
    reboundBars: options.reboundBars ?? 6,
    gap: options.gap ?? false,
    injections: options.injections ?? 5,
    threshold: options.threshold ?? 0.15,
    windowBars: options.windowBars ?? 24,
    loopEntries: options.loopEntries ?? 2,
    warmupBars: options.warmupBars ?? strategyLookback(options.strategy, options.series) + 1,
  };
  const check = (ok: boolean, what: string, value: number) => {
    if (!ok) throw new RangeError(`stress test: ${what}, got ${value}`);
  };
  check(settings.crash > 0 && settings.crash < 1, "crash must be a fraction in (0, 1)", settings.crash);
  check(settings.rebound >= 0 && settings.rebound <= 1, "rebound must be in [0, 1]", settings.rebound);
  check(isWhole(settings.reboundBars, 1), "reboundBars must be a whole number >= 1", settings.reboundBars);
  check(isWhole(settings.injections, 1), "injections must be a whole number >= 1", settings.injections);
  check(settings.threshold > 0 && settings.threshold <= 1, "threshold must be in (0, 1]", settings.threshold);
  check(isWhole(settings.windowBars, 1), "windowBars must be a whole number >= 1", settings.windowBars);
  check(isWhole(settings.loopEntries, 1), "loopEntries must be a whole number >= 1", settings.loopEntries);
  check(isWhole(settings.warmupBars, 0), "warmupBars must be a whole number >= 0", settings.warmupBars);
  return settings;
}

const isWhole = (n: number, min: number) => Number.isInteger(n) && n >= min;

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
