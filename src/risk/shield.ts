import type { Instrument } from "../domain/instrument.js";
import type { OrderSide, PortfolioView } from "../domain/order.js";

/** An order the engine wants to send, as the risk shield sees it. */
export interface ProposedOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  /** Base quantity before any scaling by the shield. */
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
}

export type Verdict = "allow" | "scale" | "deny" | "halt";

export interface RiskCheckResult {
  readonly layer: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly scale?: number;
}

/**
 * One independent layer of the risk shield: a pure function of (proposed order, portfolio, market context) to a
 * verdict with a reason. `observe` lets a layer watch equity on every bar (kill switch, drawdown).
 */
export interface RiskLayer {
  readonly name: string;
  check(order: ProposedOrder, context: RiskContext): RiskCheckResult;
  observe?(time: number, equity: number): void;
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

  constructor(layers: readonly RiskLayer[] = []) {
    this.layers = layers;
  }

  evaluate(order: ProposedOrder, context: RiskContext): ShieldDecision {
    const verdicts: RiskCheckResult[] = [];
    let scale = 1;
    let denied: RiskCheckResult | undefined;
    let halted = false;
    for (const layer of this.layers) {
      const result = layer.check(order, context);
      verdicts.push(result);
      if (result.verdict === "halt") {
        halted = true;
        denied ??= result;
      } else if (result.verdict === "deny") denied ??= result;
      else if (result.verdict === "scale") scale *= Math.max(0, Math.min(1, result.scale ?? 1));
    }
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
    const quantity = order.quantity * scale;
    return {
      quantity,
      verdicts,
      approved: quantity > 0,
      halted,
      reason: scale < 1 ? `scaled to ${(scale * 100).toFixed(1)} %` : "allowed",
    };
  }

  observe(time: number, equity: number): void {
    for (const layer of this.layers) layer.observe?.(time, equity);
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
    return { layer: "sanity", verdict: "allow", reason: "numbers are valid" };
  },
};
