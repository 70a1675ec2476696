import type { OrderRequest } from "../domain/order.js";
import type { Vote } from "../domain/signal.js";
import type { RiskCheckResult } from "../risk/shield.js";

/**
 * The record of one decision: what the engine saw, what every source voted, what the risk shield said and what
 * was sent. It answers "why did it buy at 14:00?" (ARCHITECTURE.md principle 4).
 */
export interface DecisionRecord {
  readonly time: number;
  readonly symbol: string;
  readonly strategy: string;
  /** Close of the decision bar, the price orders were sized at. */
  readonly price: number;
  readonly positionBefore: number;
  readonly votes: readonly Vote[];
  readonly action: "buy" | "sell" | "close" | "hold";
  readonly reason: string;
  readonly risk: readonly {
    order: string;
    approved: boolean;
    quantity: number;
    verdicts: readonly RiskCheckResult[];
    /** Only when a source proposed the leverage: the proposal and what the shield allowed (engine.ts). */
    leverage?: { proposed: number; allowed: number };
  }[];
  readonly orders: readonly OrderRequest[];
  readonly outcome: "orders-sent" | "rejected" | "vetoed" | "nothing-to-do";
}
