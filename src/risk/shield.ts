import type { Instrument } from "../domain/instrument.js";
import type { Fill, OrderSide, PortfolioView } from "../domain/order.js";
import type { ClosedTrade } from "../domain/trade.js";
import type { MarketSnapshot } from "./market-snapshot.js";

/** An order the engine wants to send, as the risk shield sees it. */
export interface ProposedOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  /** Base quantity as the strategy's sizing asked for it, before any layer scaled it. */
  readonly quantity: number;
  /** Price the quantity was sized at (the decision bar's close). */
  readonly price: number;
  readonly reduceOnly: boolean;
  readonly leverage: number;
  /** Combined confidence of the decision, 0..1. */
  readonly confidence: number;
  readonly time: number;
  readonly strategy: string;
}

export interface RiskContext {
  readonly portfolio: PortfolioView;
  readonly instrument: Instrument;
  readonly time: number;
  /** What the engine knows about the symbol's market at the decision bar. */
  readonly market: MarketSnapshot;
}

export type Verdict = "allow" | "scale" | "deny" | "halt";

export interface RiskCheckResult {
  readonly layer: string;
  readonly verdict: Verdict;
  readonly reason: string;
  /** Multiplier of the quantity when verdict is "scale". Adjusters may go above 1; limits only below. */
  readonly scale?: number;
}

/**
 * One independent layer of the risk shield: a function of (proposed order, portfolio, market context) to a verdict
 * with a reason. A layer may also watch equity on every time step (kill switch, daily loss) and every fill
 * (trade counts, protections after stop-losses).
 *
 * Phase "adjust" layers (market-context multipliers, sizing by regime) run first and multiply the size, up or
 * down; phase "limit" layers (max position, exposure, kill switch…) then see the adjusted order and may only cut
 * it, deny it or halt trading. So final size = base × risk × sentiment × whale, capped by the limits. Phase
 * "final" layers (exchange constraints) see the order as it would be sent, after every cut.
 */
export interface RiskLayer {
  readonly name: string;
  readonly phase?: "adjust" | "limit" | "final";
  check(order: ProposedOrder, context: RiskContext): RiskCheckResult;
  /** Once per time step, after every slot of that step; returning a "halt" trips the engine's halt. */
  observe?(time: number, equity: number): RiskCheckResult | undefined;
  /**
   * False when this layer's `observe` has nothing to look at (a context layer without data): the shield then skips
   * it on every time step. Read once, when the shield is built.
   */
  readonly observesSteps?: boolean;
  onFill?(fill: Fill, trade: ClosedTrade | undefined): void;
  /**
   * Every bar of every symbol as it closes, before any decision on it: for a layer that needs other symbols' prices
   * (the correlation limit). Only bars closed so far ever reach it.
   */
  onBar?(symbol: string, time: number, close: number): void;
}

export interface ShieldDecision {
  /** Quantity after every scale; 0 when denied or halted. */
  readonly quantity: number;
  readonly verdicts: readonly RiskCheckResult[];
  readonly approved: boolean;
  /** A layer called for a halt of all trading (kill switch). */
  readonly halted: boolean;
  readonly reason: string;
}

/**
 * Runs every layer on every proposed order and combines their verdicts: any halt or deny stops the order, scales
 * multiply. Every layer runs even after a denial so the record shows all reasons. Orders that only reduce a
 * position are never blocked — a shield that traps you in a losing position is not a shield — but they are still
 * checked and recorded.
 */
export class RiskShield {
  readonly layers: readonly RiskLayer[];
  readonly #adjusters: readonly RiskLayer[];
  readonly #limits: readonly RiskLayer[];
  readonly #finals: readonly RiskLayer[];
  readonly #observers: readonly RiskLayer[];
  readonly #fillListeners: readonly RiskLayer[];
  readonly #barListeners: readonly RiskLayer[];
  /** Whether any layer has `onBar`: the engine skips the call per bar when none has. */
  readonly watchesBars: boolean;

  constructor(layers: readonly RiskLayer[] = []) {
    this.layers = layers;
    this.#adjusters = layers.filter((l) => l.phase === "adjust");
    this.#limits = layers.filter((l) => l.phase === undefined || l.phase === "limit");
    this.#finals = layers.filter((l) => l.phase === "final");
    this.#observers = layers.filter((l) => l.observe !== undefined && l.observesSteps !== false);
    this.#fillListeners = layers.filter((l) => l.onFill !== undefined);
    this.#barListeners = layers.filter((l) => l.onBar !== undefined);
    this.watchesBars = this.#barListeners.length > 0;
  }

  // The loops below are indexed rather than for…of: a backtest's first decisions run before the optimizing compiler
  // has looked at this code, and there an iterator costs an allocation per layer.
  evaluate(order: ProposedOrder, context: RiskContext): ShieldDecision {
    // Sized for every layer up front (records keep this array); trimmed below when the final phase is skipped.
    const verdicts: RiskCheckResult[] = new Array(this.layers.length);
    let n = 0;
    let adjust = 1;
    let denied: RiskCheckResult | undefined;
    const adjusters = this.#adjusters;
    for (let i = 0; i < adjusters.length; i++) {
      const result = (adjusters[i] as RiskLayer).check(order, context);
      verdicts[n++] = result;
      if (result.verdict === "scale") adjust *= Math.max(0, result.scale ?? 1);
      // An adjuster that sizes to nothing (Kelly sees no edge) is a denial, and says why.
      if (
        result.verdict === "deny" ||
        result.verdict === "halt" ||
        (result.verdict === "scale" && !((result.scale ?? 1) > 0))
      ) {
        denied ??= result;
      }
    }
    const adjusted = adjust === 1 ? order : { ...order, quantity: order.quantity * adjust };
    let scale = 1;
    let halted = false;
    const limits = this.#limits;
    for (let i = 0; i < limits.length; i++) {
      const result = (limits[i] as RiskLayer).check(adjusted, context);
      verdicts[n++] = result;
      if (result.verdict === "halt") {
        halted = true;
        denied ??= result;
      } else if (result.verdict === "deny") denied ??= result;
      else if (result.verdict === "scale") scale = Math.min(scale, Math.max(0, Math.min(1, result.scale ?? 1)));
    }
    const finals = this.#finals;
    if (!denied && finals.length > 0) {
      const final = scale === 1 ? adjusted : { ...adjusted, quantity: adjusted.quantity * scale };
      for (let i = 0; i < finals.length; i++) {
        const result = (finals[i] as RiskLayer).check(final, context);
        verdicts[n++] = result;
        if (result.verdict === "deny" || result.verdict === "halt") denied ??= result;
      }
    }
    if (n !== verdicts.length) verdicts.length = n;
    if (order.reduceOnly) {
      return {
        quantity: order.quantity,
        verdicts,
        approved: true,
        halted,
        reason: "reduces a position: always allowed",
      };
    }
    if (denied) return { quantity: 0, verdicts, approved: false, halted, reason: `${denied.layer}: ${denied.reason}` };
    const quantity = adjusted.quantity * scale;
    const total = adjust * scale;
    return {
      quantity,
      verdicts,
      approved: quantity > 0,
      halted,
      reason: total !== 1 ? `size × ${total.toFixed(4)}` : "allowed",
    };
  }

  /** Returns the first halt a layer calls for on this time step, if any. */
  observe(time: number, equity: number): RiskCheckResult | undefined {
    let halt: RiskCheckResult | undefined;
    const observers = this.#observers;
    for (let i = 0; i < observers.length; i++) {
      const result = (observers[i] as RiskLayer).observe?.(time, equity);
      if (result !== undefined && result.verdict === "halt") halt ??= result;
    }
    return halt;
  }

  onFill(fill: Fill, trade: ClosedTrade | undefined): void {
    const listeners = this.#fillListeners;
    for (let i = 0; i < listeners.length; i++) (listeners[i] as RiskLayer).onFill?.(fill, trade);
  }

  onBar(symbol: string, time: number, close: number): void {
    const listeners = this.#barListeners;
    for (let i = 0; i < listeners.length; i++) (listeners[i] as RiskLayer).onBar?.(symbol, time, close);
  }
}

/** Rejects orders whose numbers cannot be right (NaN, non-positive) before anything else looks at them. */
export const sanityLayer: RiskLayer = {
  name: "sanity",
  check(order) {
    if (!(order.quantity > 0) || !Number.isFinite(order.quantity)) {
      return { layer: "sanity", verdict: "deny", reason: `quantity ${order.quantity} is not a positive number` };
    }
    if (!(order.price > 0) || !Number.isFinite(order.price)) {
      return { layer: "sanity", verdict: "deny", reason: `price ${order.price} is not a positive number` };
    }
    return SANE;
  },
};

const SANE: RiskCheckResult = Object.freeze({ layer: "sanity", verdict: "allow", reason: "numbers are valid" });
