import type { AttachedExits, Fill } from "../domain/order.js";
import type { Action, SourceRole, Vote } from "../domain/signal.js";
import type { ClosedTrade } from "../domain/trade.js";
import type { BarContext, Strategy, StrategySetup } from "./strategy.js";

/**
 * What a signal source says at one bar. `hold` is an opinion ("stay as you are") and weighs against a trade;
 * returning nothing is an abstention and weighs nothing.
 */
export interface SourceSignal {
  readonly action: Action;
  readonly reason: string;
  /** 0..1, default 1. */
  readonly confidence?: number;
  /** Block every order that would open or grow a position at this bar (exits still go out). */
  readonly veto?: boolean;
  /** An advisor's size factor in [0, 1]: how much of the decided size to trade. */
  readonly scale?: number;
  /** Exits to attach to a position this signal opens (primary sources only). */
  readonly exits?: AttachedExits;
  /** Leverage a primary source proposes for the decision's orders (default: the slot's); the shield decides. */
  readonly leverage?: number;
}

export type SourceOnBar = (context: BarContext) => SourceSignal | undefined;
/**
 * An asynchronous vote; `abort` fires when the deadline has passed and the vote is no longer wanted. `votes` are
 * the strategy's and the synchronous sources' votes of this bar (an advisor judges the trade they propose).
 */
export type AsyncSourceOnBar = (
  context: BarContext,
  abort: AbortSignal,
  votes: readonly Vote[],
) => Promise<SourceSignal | undefined>;

interface SourceBase {
  /** Names the source in votes, decision records, orders, fills and trades. */
  readonly id: string;
  /** "primary" may open a trade; "advisor" may only veto or scale a decision down. */
  readonly role: SourceRole;
  /** A learning source hears every fill of its slot's symbol… */
  onFill?(fill: Fill): void;
  /** …and every trade closed on it, with the source(s) the trade is attributed to in `trade.source`. */
  onTradeClosed?(trade: ClosedTrade): void;
}

/** A source that answers within the bar (rules, a loaded model): the backtest fast path. */
export interface SyncSignalSource extends SourceBase {
  readonly deadlineMs?: undefined;
  init(setup: StrategySetup): SourceOnBar;
}

/**
 * A source that answers later (a remote model, the LLM). It has `deadlineMs` to answer; one that throws, rejects
 * or is late abstains, and the decision record says which and why.
 */
export interface AsyncSignalSource extends SourceBase {
  readonly deadlineMs: number;
  init(setup: StrategySetup): AsyncSourceOnBar;
}

export type SignalSource = SyncSignalSource | AsyncSignalSource;

export function isAsyncSource(source: SignalSource): source is AsyncSignalSource {
  return source.deadlineMs !== undefined;
}

/** A strategy as a primary signal source (its signals are already source signals). */
export function strategySource(strategy: Strategy): SyncSignalSource {
  return { id: strategy.name, role: "primary", init: (setup) => strategy.init(setup) };
}

/** Checks what a slot's sources declare: unique ids, a known role, a usable deadline. */
export function validateSources(sources: readonly SignalSource[]): void {
  const seen = new Set<string>();
  for (const source of sources) {
    if (!source.id) throw new RangeError("a signal source needs an id");
    if (seen.has(source.id)) throw new RangeError(`signal source ${source.id} appears twice in one slot`);
    seen.add(source.id);
    if (source.role !== "primary" && source.role !== "advisor") {
      throw new RangeError(`signal source ${source.id}: role must be "primary" or "advisor", got ${source.role}`);
    }
    if (isAsyncSource(source) && !(source.deadlineMs > 0 && Number.isFinite(source.deadlineMs))) {
      throw new RangeError(
        `signal source ${source.id}: deadlineMs must be a positive number, got ${source.deadlineMs}`,
      );
    }
  }
}
