import type { AttachedExits, OrderRequest, OrderSide } from "../domain/order.js";
import type { Action } from "../domain/signal.js";
import type { OrderIdSource } from "../execution/order-manager.js";
import type { ManagedPositionView, PositionAction } from "../risk/position/types.js";
import type { ShieldDecision } from "../risk/shield.js";
import type { CombinedDecision } from "./combiner.js";
import type { DecisionRecord } from "./decision.js";

/** One order a decision wants, before the risk shield has seen it. */
export interface PlannedOrder {
  readonly side: OrderSide;
  readonly quantity: number;
  readonly reduceOnly: boolean;
}

/**
 * The orders that take a position of `held` (signed) to what `action` asks for: first the close of a position on
 * the wrong side (reduce-only), then the opening one, sized by `openingQuantity` only when there is one.
 */
export function plannedOrders(action: Action, held: number, openingQuantity: () => number): PlannedOrder[] {
  const wanted: PlannedOrder[] = [];
  if (action !== "close" && action !== "sell" && action !== "buy") return wanted;
  const closeLong = held > 0 && action !== "buy";
  const closeShort = held < 0 && action !== "sell";
  if (closeLong || closeShort)
    wanted.push({ side: closeLong ? "sell" : "buy", quantity: Math.abs(held), reduceOnly: true });
  const opening = (action === "buy" && held <= 0) || (action === "sell" && held >= 0);
  if (opening) wanted.push({ side: action === "buy" ? "buy" : "sell", quantity: openingQuantity(), reduceOnly: false });
  return wanted;
}

/**
 * The exits to attach to an opening order: the strategy's own on the fast path, else those of the first primary
 * source among the decision's `sources` ("a+b") that asked for some.
 */
export function exitsFor(
  exits: AttachedExits | ReadonlyMap<string, AttachedExits> | undefined,
  sources: string,
): AttachedExits | undefined {
  if (!(exits instanceof Map)) return exits as AttachedExits | undefined;
  if (exits.size === 0) return undefined;
  for (const id of sources.split("+")) {
    const found = exits.get(id);
    if (found) return found;
  }
  return undefined;
}

/** The verdict on an opening order while entries are blocked from outside the shield (a veto, a stop, the gate). */
export function blockedEntry(block: { layer: string; reason: string }): ShieldDecision {
  return {
    quantity: 0,
    approved: false,
    halted: false,
    reason: block.reason,
    verdicts: [{ layer: block.layer, verdict: "deny", reason: block.reason }],
  };
}

/** The reduce-only order a position-management action (a close or a reduction) sends. */
export function positionActionOrder(
  action: Exclude<PositionAction, { kind: "set-stop" }>,
  view: ManagedPositionView,
  ids: OrderIdSource,
  source: string | undefined,
): OrderRequest {
  const quantity = action.kind === "close" ? view.quantity : Math.min(view.quantity, action.quantity);
  const limit = action.kind === "reduce" ? action.limitPrice : undefined;
  return {
    clientOrderId: ids.next(),
    symbol: view.symbol,
    side: view.side === "long" ? "sell" : "buy",
    type: limit !== undefined ? "limit" : "market",
    quantity,
    ...(limit !== undefined ? { limitPrice: limit } : {}),
    reduceOnly: true,
    reason: action.reason,
    ...(source !== undefined ? { source } : {}),
  };
}

/** What became of a position-management order, for the record. */
export function positionActionOutcome(order: OrderRequest, answer: OrderRequest | string): string {
  if (typeof answer === "string") return `rejected by the venue: ${answer}`;
  return order.limitPrice !== undefined
    ? `order sent: limit ${answer.side} ${answer.quantity} at ${order.limitPrice}`
    : `order sent: market ${answer.side} ${answer.quantity}`;
}

/** How a decision ended: a hold (or an entry stopped by a veto with nothing else to send) reads "vetoed". */
export function decisionOutcome(
  decision: CombinedDecision,
  sent: number,
  rejected: boolean,
): DecisionRecord["outcome"] {
  if (decision.action === "hold" || (sent === 0 && decision.veto !== undefined)) return "vetoed";
  return sent > 0 ? "orders-sent" : rejected ? "rejected" : "nothing-to-do";
}
