import type { CandleSeries } from "../domain/candles.js";
import { defaultInstrument, type Instrument } from "../domain/instrument.js";
import type { Fill } from "../domain/order.js";
import { TIMEFRAMES } from "../domain/timeframe.js";
import type { ClosedTrade, EquityCurve } from "../domain/trade.js";
import type { TradeLearner } from "../engine/attribution.js";
import type { DecisionCombiner } from "../engine/combiner.js";
import type { DecisionRecord } from "../engine/decision.js";
import { Engine, type EngineParts, type Slot } from "../engine/engine.js";
import type { EventBus } from "../engine/events.js";
import { Portfolio } from "../execution/portfolio.js";
import { type FundingSource, SimulatedBroker } from "../execution/simulated-broker.js";
import type { SlippageModel } from "../execution/slippage.js";
import type { PositionManager } from "../risk/position/types.js";
import type { RiskShield } from "../risk/shield.js";
import type { SizeRule } from "../risk/sizing/size-rule.js";
import { BatchColumns } from "../strategy/columns.js";
import { isAsyncSource, type SignalSource } from "../strategy/signal-source.js";
import type { Strategy } from "../strategy/strategy.js";
import type { RunColumns } from "./run-columns.js";

export interface BacktestFeed {
  readonly series: CandleSeries;
  readonly strategy: Strategy;
  readonly instrument?: Instrument;
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  /** Signal sources voting beside the strategy (asynchronous ones need `runBacktestAsync`). */
  readonly sources?: readonly SignalSource[];
}

export interface BacktestOptions {
  readonly feeds: readonly BacktestFeed[];
  readonly cash: number;
  /** Maker and taker fee as a fraction of notional; overrides the instruments' own. */
  readonly fee?: number;
  readonly slippage?: SlippageModel;
  readonly maxVolumeParticipation?: number;
  readonly funding?: FundingSource;
  readonly shield?: RiskShield;
  readonly positionManager?: PositionManager;
  /** Gives each slot a regime column (the regime detector) for risk layers and position management. */
  readonly regimeColumn?: EngineParts["regimeColumn"];
  readonly bus?: EventBus;
  /** How the votes of several sources become one decision; the default weighs them equally. */
  readonly combiner?: DecisionCombiner;
  /** Hear every fill and closed trade (online learner, allocator). */
  readonly learners?: readonly TradeLearner[];
  readonly runId?: string;
  /** Close what is still open at the last bar's close, so every PnL is in a closed trade (default true). */
  readonly closeAtEnd?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  readonly equity: EquityCurve;
  /** 1 where any position was open at that step's close. */
  readonly inMarket: Uint8Array;
  readonly trades: readonly ClosedTrade[];
  readonly fills: readonly Fill[];
  readonly decisions: readonly DecisionRecord[];
  /** What position management did and why (stop moves, partial take-profits), in order. */
  readonly positionActions: Engine["positionActions"];
  readonly portfolio: Portfolio;
  readonly bars: number;
  readonly elapsedMs: number;
  readonly halted: boolean;
  /** When and why trading halted (kill switch, daily loss …); undefined when it never did. */
  readonly halt: { readonly time: number; readonly reason: string } | undefined;
  /** The indicator columns the run computed, by series: the report reuses them (see run-columns.ts). */
  readonly columns?: RunColumns;
}

/**
 * Runs the engine over history. The driver only decides the order in which bars close; everything else is the
 * same `Engine.step` that paper and live trading call.
 */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const late = options.feeds.flatMap((f) => f.sources ?? []).find(isAsyncSource);
  if (late) {
    throw new RangeError(
      `signal source ${late.id} answers asynchronously: run the backtest with runBacktestAsync (run-backtest-async.ts)`,
    );
  }
  const prepared = prepareBacktest(options);
  const { engine, slots } = prepared;
  const run =
    slots.length === 1
      ? runSingle(engine, slots[0] as Slot, options.onProgress)
      : runMany(engine, slots, options.onProgress);
  return finishBacktest(options, prepared, run);
}

/** A backtest's engine and slots, built before the first bar. */
export interface PreparedBacktest {
  readonly engine: Engine;
  readonly slots: readonly Slot[];
  readonly started: number;
  readonly columns: RunColumns;
}

/** What a run over the bars hands back for the result. */
export interface BacktestRun {
  readonly time: Float64Array;
  readonly equity: Float64Array;
  readonly inMarket: Uint8Array;
  readonly bars: number;
}

/** Checks the options and builds the engine and its slots (shared by the synchronous and asynchronous runs). */
export function prepareBacktest(options: BacktestOptions, parts: Pick<EngineParts, "deadline"> = {}): PreparedBacktest {
  if (options.feeds.length === 0) throw new RangeError("a backtest needs at least one data feed");
  if (!(options.cash > 0)) throw new RangeError(`--cash must be > 0, got ${options.cash}`);
  if (options.fee !== undefined && !(options.fee >= 0 && options.fee < 0.1)) {
    throw new RangeError(`--fee must be a fraction in [0, 0.1), got ${options.fee}`);
  }
  const started = performance.now();
  const portfolio = new Portfolio(options.cash);
  const engine = new Engine({
    portfolio,
    createBroker: (listener) =>
      new SimulatedBroker(portfolio, listener, {
        ...(options.slippage ? { slippage: options.slippage } : {}),
        ...(options.maxVolumeParticipation !== undefined
          ? { maxVolumeParticipation: options.maxVolumeParticipation }
          : {}),
        ...(options.funding ? { funding: options.funding } : {}),
      }),
    ...(options.shield ? { shield: options.shield } : {}),
    ...(options.positionManager ? { positionManager: options.positionManager } : {}),
    ...(options.regimeColumn ? { regimeColumn: options.regimeColumn } : {}),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.combiner ? { combiner: options.combiner } : {}),
    ...(options.learners ? { learners: options.learners } : {}),
    runId: options.runId ?? "bt",
    ...parts,
  });
  const slots: Slot[] = [];
  const columns = new Map<CandleSeries, BatchColumns>();
  const seen = new Set<string>();
  for (const feed of options.feeds) {
    const symbol = feed.series.symbol;
    if (seen.has(symbol)) throw new RangeError(`symbol ${symbol} appears twice; one slot per symbol`);
    seen.add(symbol);
    if (feed.series.length === 0) throw new RangeError(`no bars for ${symbol} in the chosen range`);
    let instrument = feed.instrument ?? defaultInstrument(symbol);
    if (options.fee !== undefined) instrument = { ...instrument, makerFee: options.fee, takerFee: options.fee };
    const defaultSize: SizeRule = { type: "percent-equity", value: 100 / options.feeds.length };
    const series = feed.series;
    const slotColumns = new BatchColumns(series);
    columns.set(series, slotColumns);
    slots.push(
      engine.addSlot(
        {
          symbol,
          timeframe: series.timeframe,
          strategy: feed.strategy,
          instrument,
          size: feed.size ?? (feed.strategy as { sizing?: SizeRule }).sizing ?? defaultSize,
          ...(feed.leverage !== undefined ? { leverage: feed.leverage } : {}),
          ...(feed.allowShort !== undefined ? { allowShort: feed.allowShort } : {}),
          ...(feed.sources ? { sources: feed.sources } : {}),
        },
        () => series,
        slotColumns,
        { lazyRiskColumns: true },
      ),
    );
  }
  return { engine, slots, started, columns };
}

/** Closes what is still open (unless told not to) and assembles the result. */
export function finishBacktest(options: BacktestOptions, prepared: PreparedBacktest, run: BacktestRun): BacktestResult {
  const { engine, slots, started, columns } = prepared;
  const { time, equity, inMarket, bars } = run;
  const portfolio = engine.portfolio;
  const broker = engine.broker as SimulatedBroker;
  if (options.closeAtEnd ?? true) {
    for (const slot of slots) {
      const last = slot.series().length - 1;
      broker.flatten(slot.config.symbol, last, "end of backtest");
    }
    if (equity.length > 0) equity[equity.length - 1] = portfolio.equity();
  }
  return {
    equity: { time, equity },
    inMarket,
    trades: portfolio.trades,
    fills: engine.fills,
    decisions: engine.decisions,
    positionActions: engine.positionActions,
    portfolio,
    bars,
    elapsedMs: performance.now() - started,
    halted: engine.halted,
    halt: engine.halted ? { time: engine.haltTime, reason: engine.haltReason } : undefined,
    columns,
  };
}

const PROGRESS_EVERY = 1 << 16;

function runSingle(engine: Engine, slot: Slot, onProgress?: (done: number, total: number) => void) {
  const series = slot.series();
  const n = series.length;
  // One slot's equity is sampled at each bar's open time: the curve's time column is the series' own (a 4 M-bar
  // copy is ~8k page faults and a pass over memory). Nothing writes to either.
  const time = series.time.length === n ? series.time : series.time.subarray(0, n);
  const equity = new Float64Array(n);
  const inMarket = new Uint8Array(n);
  const portfolio = engine.portfolio;
  for (let i = 0; i < n; i++) {
    engine.step(slot, i);
    equity[i] = engine.observe(time[i] as number);
    inMarket[i] = portfolio.openPositionCount() > 0 ? 1 : 0;
    if (onProgress !== undefined && (i & (PROGRESS_EVERY - 1)) === 0) onProgress(i, n);
  }
  onProgress?.(n, n);
  return { time, equity, inMarket, bars: n };
}

/**
 * Several slots: bars are processed in the order they close (open time + timeframe), all slots closing at the
 * same instant together, and equity is sampled once per such instant.
 */
function runMany(engine: Engine, slots: readonly Slot[], onProgress?: (done: number, total: number) => void) {
  const k = slots.length;
  const series = slots.map((s) => s.series());
  const duration = series.map((s) => inferDuration(s));
  const cursor = new Int32Array(k);
  const shortest = Math.min(...duration);
  let total = 0;
  for (const s of series) total += s.length;
  const times: number[] = [];
  const equities: number[] = [];
  const exposure: number[] = [];
  let done = 0;
  let nextReport = 0;
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      const s = series[j] as CandleSeries;
      const c = cursor[j] as number;
      if (c < s.length) {
        const close = (s.time[c] as number) + (duration[j] as number);
        if (close < next) next = close;
      }
    }
    if (next === Number.POSITIVE_INFINITY) break;
    for (let j = 0; j < k; j++) {
      const s = series[j] as CandleSeries;
      const c = cursor[j] as number;
      if (c < s.length && (s.time[c] as number) + (duration[j] as number) === next) {
        engine.step(slots[j] as Slot, c);
        cursor[j] = c + 1;
        done++;
      }
    }
    // Equity is labelled like bars: by the open time of the step's bars, valued at their close.
    const label = next - shortest;
    times.push(label);
    equities.push(engine.observe(label));
    exposure.push(engine.portfolio.openPositionCount() > 0 ? 1 : 0);
    if (onProgress !== undefined && done >= nextReport) {
      onProgress(done, total);
      nextReport = done + PROGRESS_EVERY;
    }
  }
  onProgress?.(total, total);
  return {
    time: Float64Array.from(times),
    equity: Float64Array.from(equities),
    inMarket: Uint8Array.from(exposure),
    bars: total,
  };
}

export function inferDuration(series: CandleSeries): number {
  if (series.timeframe !== undefined) return TIMEFRAMES[series.timeframe];
  if (series.length < 2) return 1;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < Math.min(series.length, 100); i++) {
    const d = (series.time[i] as number) - (series.time[i - 1] as number);
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : 1;
}
