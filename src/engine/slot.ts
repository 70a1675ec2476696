import type { CandleSeries } from "../domain/candles.js";
import type { Instrument } from "../domain/instrument.js";
import type { Timeframe } from "../domain/timeframe.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { SizeRule } from "../risk/sizing/size-rule.js";
import type { ColumnSource } from "../strategy/columns.js";
import { isAsyncSource, type SignalSource } from "../strategy/signal-source.js";
import {
  type Cursor,
  type OnBar,
  type PriceField,
  SeriesReader,
  type Strategy,
  type StrategySetup,
} from "../strategy/strategy.js";
import type { RiskColumns } from "./risk-columns.js";
import { answerBuffers, initSources, type SlotSource, type SourceAnswers } from "./slot-sources.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface SlotConfig {
  readonly symbol: string;
  readonly timeframe: Timeframe | undefined;
  readonly strategy: Strategy;
  readonly instrument: Instrument;
  /** Size of a new position; default: the strategy's own, else 100 % of equity split across slots. */
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  /** Signal sources voting beside the strategy (models, advisors); the strategy is always the first primary. */
  readonly sources?: readonly SignalSource[];
}

export interface Slot {
  readonly id: number;
  readonly config: SlotConfig;
  readonly cursor: Cursor;
  readonly context: {
    index: number;
    time: number;
    position: { quantity: number; entryPrice: number; barsHeld: number };
  };
  series: () => CandleSeries;
  onBar: OnBar;
  /** The slot's sources beyond its strategy; empty on the fast path of a plain strategy. */
  readonly sources: readonly SlotSource[];
  /** True when a source answers asynchronously: the slot is stepped with `stepAsync`. */
  readonly async: boolean;
  /** The sources' answers at the current bar (reused buffers). */
  readonly answers: SourceAnswers;
  size: SizeRule;
  allowShort: boolean;
  /** Columns the risk layers and position management read (ATR, volatility, regime), made on first use. */
  readonly risk: RiskColumns;
}

/** What a strategy (and a source) of one slot reads: its prices and indicators at the slot's cursor, the account. */
export function strategySetup(
  config: Pick<SlotConfig, "symbol" | "timeframe">,
  columns: ColumnSource,
  cursor: Cursor,
  account: Portfolio,
): StrategySetup {
  return {
    symbol: config.symbol,
    timeframe: config.timeframe,
    price: (field: PriceField) => new SeriesReader(columns.price(field), cursor),
    indicator: (declaration, output) => new SeriesReader(columns.indicator(declaration, output), cursor),
    account,
  };
}

/**
 * A new slot numbered `id`: its strategy and sources initialised over `setup`, its sizing and shorting settled.
 * The caller has validated `config.sources` (`validateSources`).
 */
export function createSlot(
  id: number,
  config: SlotConfig,
  series: () => CandleSeries,
  setup: StrategySetup,
  cursor: Cursor,
  risk: RiskColumns,
): Slot {
  const extra = config.sources ?? [];
  return {
    id,
    config,
    cursor,
    context: { index: -1, time: 0, position: { quantity: 0, entryPrice: 0, barsHeld: -1 } },
    series,
    onBar: config.strategy.init(setup),
    sources: initSources(extra, setup),
    async: extra.some(isAsyncSource),
    answers: answerBuffers(extra.length),
    size: config.size ?? config.strategy.sizing ?? { type: "percent-equity", value: 100 },
    allowShort: config.allowShort ?? config.strategy.allowShort ?? false,
    risk,
  };
}

/**
 * Puts `strategy`, initialised over `setup`, in `slot`: the slot's explicit size and shorting settings are kept,
 * otherwise the new strategy's own apply.
 */
export function swapSlotStrategy(slot: Slot, strategy: Strategy, setup: StrategySetup): void {
  const onBar = strategy.init(setup);
  const mutable = slot as Mutable<Slot>;
  mutable.config = { ...slot.config, strategy };
  mutable.onBar = onBar;
  mutable.size = slot.config.size ?? strategy.sizing ?? { type: "percent-equity", value: 100 };
  mutable.allowShort = slot.config.allowShort ?? strategy.allowShort ?? false;
}
