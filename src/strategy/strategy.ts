import type { AttachedExits, PortfolioView } from "../domain/order.js";
import type { Action } from "../domain/signal.js";
import type { SizeRule } from "../domain/size-rule.js";
import type { Timeframe } from "../domain/timeframe.js";
import type { IndicatorDeclaration } from "./spec/schema.js";

/** Storage of one column of values (a price field or an indicator output). The engine owns and may grow it. */
export interface Column {
  values: Float64Array;
}

/** Where the current bar is. Shared by every reader of one slot; only the engine moves it. */
export interface Cursor {
  index: number;
}

/**
 * Read access to a column that stops at the current bar: `at(0)` is the bar that just closed, `at(1)` the one
 * before. There is no way to ask for a later bar, so a strategy cannot look ahead whatever it does.
 */
export class SeriesReader {
  readonly #column: Column;
  readonly #cursor: Cursor;

  constructor(column: Column, cursor: Cursor) {
    this.#column = column;
    this.#cursor = cursor;
  }

  /** Value `ago` bars back (0 = current closed bar); NaN before the first bar or for a negative `ago`. */
  at(ago = 0): number {
    const i = this.#cursor.index - ago;
    return ago >= 0 && i >= 0 ? (this.#column.values[i] as number) : Number.NaN;
  }
}

export type PriceField = "open" | "high" | "low" | "close" | "volume" | "hl2" | "hlc3" | "ohlc4";

/** What a strategy may ask for once, before its first bar. */
export interface StrategySetup {
  readonly symbol: string;
  readonly timeframe: Timeframe | undefined;
  price(field: PriceField): SeriesReader;
  /** An indicator over this slot's bars; `output` picks one output of a multi-output indicator (bbands.upper). */
  indicator(declaration: IndicatorDeclaration, output?: string): SeriesReader;
  /**
   * The account, read-only, for a strategy whose inputs include it (an RL agent observes its margin, drawdown and
   * recent trades). Set by the engine; absent where no engine runs the strategy.
   */
  readonly account?: StrategyAccount;
}

/** What a strategy may read of the account: the portfolio view, when each position opened, the closed trades. */
export interface StrategyAccount extends PortfolioView {
  openedBar(symbol: string): number;
  readonly trades: readonly { readonly netPnl: number }[];
}

/** The state of the slot's position as the strategy sees it at the current bar. */
export interface PositionState {
  /** Signed base quantity: > 0 long, < 0 short, 0 flat. */
  readonly quantity: number;
  readonly entryPrice: number;
  /** Bars since the position was opened; -1 when flat. */
  readonly barsHeld: number;
}

export interface BarContext {
  readonly index: number;
  /** Open time of the bar that just closed (Unix ms). */
  readonly time: number;
  readonly position: PositionState;
}

/**
 * What a strategy wants at this bar. `buy` means "be long", `sell` means "be short" (a long-only run treats it
 * as `close`), `close` means "be flat". Returning nothing means hold.
 */
export interface StrategySignal {
  readonly action: Exclude<Action, "hold">;
  readonly reason: string;
  /** 0..1, default 1. */
  readonly confidence?: number;
  /** Exits to attach to a position this signal opens. */
  readonly exits?: AttachedExits;
  /** Leverage proposed for this decision's orders (default: the slot's); the risk shield decides what goes out. */
  readonly leverage?: number;
}

export type OnBar = (context: BarContext) => StrategySignal | undefined;

/** How big an order a strategy asks for by default; the engine turns it into a quantity. The type of `--size`. */
export type Sizing = SizeRule;

/**
 * A strategy: given a slot (one symbol, one timeframe), it declares what it reads and returns its per-bar function.
 * Each slot gets its own `init` call, so per-instance state lives in the closure it returns.
 */
export interface Strategy {
  readonly name: string;
  /** Parameter values the strategy runs with (recorded with every run). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Default order size; the run's `--size` overrides it. Without either: an equal share of equity. */
  readonly sizing?: Sizing | undefined;
  /** Whether `sell` may open a short; false (the default) makes `sell` mean `close`. */
  readonly allowShort?: boolean | undefined;
  init(setup: StrategySetup): OnBar;
}
