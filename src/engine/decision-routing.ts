import type { AttachedExits, OrderRequest } from "../domain/order.js";
import type { Vote } from "../domain/signal.js";
import type { OrderIdSource } from "../execution/order-manager.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { RiskContext, RiskShield } from "../risk/shield.js";
import { quantityFor } from "../risk/sizing/size-rule.js";
import type { DecisionCombiner } from "./combiner.js";
import type { DecisionRecord } from "./decision.js";
import { blockedEntry, decisionOutcome, exitsFor, plannedOrders } from "./decision-orders.js";
import type { EventBus } from "./events.js";
import { marketSnapshot } from "./lazy-snapshot.js";
import type { Slot } from "./slot.js";
import type { TradingHalt } from "./trading-halt.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface DecisionRoutingParts {
  readonly portfolio: Portfolio;
  readonly combiner: DecisionCombiner;
  readonly shield: RiskShield;
  readonly bus: EventBus;
  readonly ids: OrderIdSource;
  readonly halt: TradingHalt;
  /** Sends an order through the engine's order flow (`OrderFlow.submit`). */
  readonly submit: (order: OrderRequest, index: number, time: number) => OrderRequest | string;
  /** Where each decision is recorded; undefined when the engine keeps none. */
  readonly decisions: DecisionRecord[] | undefined;
}

/**
 * From the votes of one slot at one bar to orders at the venue: the combiner decides, the decision becomes the
 * orders that reach the wanted position, each passes the entry blocks and the risk shield, the approved ones are
 * sent, and the whole is recorded with every vote and verdict.
 */
export class DecisionRouter {
  readonly #parts: DecisionRoutingParts;

  constructor(parts: DecisionRoutingParts) {
    this.#parts = parts;
  }

  act(
    slot: Slot,
    votes: readonly Vote[],
    exits: AttachedExits | ReadonlyMap<string, AttachedExits> | undefined,
    index: number,
  ): void {
    const { portfolio, combiner, shield, bus, halt } = this.#parts;
    const symbol = slot.config.symbol;
    const series = slot.series();
    const time = series.time[index] as number;
    const price = series.close[index] as number;
    const decision = combiner.combine(
      votes,
      combiner.usesContext ? { regime: marketSnapshot(slot, index).regime } : undefined,
    );
    const held = portfolio.positionQuantity(symbol);
    let action = decision.action;
    // A long-only slot reads "sell" as "get out".
    if (action === "sell" && !slot.allowShort) action = "close";
    if (bus.has("SIGNAL_GENERATED")) {
      bus.publish("SIGNAL_GENERATED", { time, symbol, votes, action, reason: decision.reason });
    }
    // A source may propose the leverage of this decision (the leverage agent); the shield below still decides.
    const leverage = decision.leverage ?? slot.config.leverage ?? 1;
    const wanted = plannedOrders(action, held, () => {
      // Sized on the equity left after the close this same decision makes (a reversal re-uses the proceeds).
      const quantity = quantityFor(slot.size, price, portfolio.equity(), slot.config.instrument.takerFee, leverage);
      return decision.sizeFactor === 1 ? quantity : quantity * decision.sizeFactor;
    });
    const attach = exitsFor(exits, decision.sources);
    const source = decision.sources || slot.config.strategy.name;
    const orders: OrderRequest[] = [];
    const risk: DecisionRecord["risk"][number][] = [];
    let rejected = false;
    // Every order of one decision is checked against the same market: one context serves them all.
    const context: RiskContext | undefined =
      wanted.length > 0
        ? { portfolio, instrument: slot.config.instrument, time, market: marketSnapshot(slot, index) }
        : undefined;
    for (let k = 0; k < wanted.length; k++) {
      const w = wanted[k] as (typeof wanted)[number];
      // A veto stops what would open or grow a position; a close or a reduction always goes to the shield.
      const blocked = w.reduceOnly
        ? undefined
        : decision.veto !== undefined
          ? { layer: "veto", reason: decision.veto }
          : halt.entryBlocked(symbol);
      const verdict =
        blocked !== undefined
          ? blockedEntry(blocked)
          : shield.evaluate(
              {
                symbol,
                side: w.side,
                quantity: w.quantity,
                price,
                reduceOnly: w.reduceOnly,
                leverage,
                confidence: decision.confidence,
                time,
                strategy: slot.config.strategy.name,
              },
              context as RiskContext,
            );
      risk.push({
        order: `${w.side} ${w.quantity}`,
        approved: verdict.approved,
        quantity: verdict.quantity,
        verdicts: verdict.verdicts,
        ...(decision.leverage !== undefined ? { leverage: allowedLeverage(leverage, w.quantity, verdict) } : {}),
      });
      if (verdict.halted && !halt.halted) halt.trip(time, verdict.reason);
      const request: Mutable<OrderRequest> = {
        clientOrderId: this.#parts.ids.next(),
        symbol,
        side: w.side,
        type: "market",
        quantity: verdict.quantity,
        reduceOnly: w.reduceOnly,
        leverage,
        reason: decision.reason,
        source,
      };
      if (!w.reduceOnly && attach) request.attach = attach;
      if (bus.has("RISK_CHECK")) {
        bus.publish("RISK_CHECK", {
          time,
          symbol,
          order: request,
          verdicts: verdict.verdicts,
          approvedQuantity: verdict.quantity,
        });
      }
      if (!verdict.approved) {
        rejected = true;
        if (bus.has("SIGNAL_REJECTED")) {
          bus.publish("SIGNAL_REJECTED", { time, symbol, reason: verdict.reason, verdicts: verdict.verdicts });
        }
        continue;
      }
      const answer = this.#parts.submit(request, index, time);
      if (typeof answer === "string") {
        rejected = true;
        if (bus.has("SIGNAL_REJECTED")) {
          bus.publish("SIGNAL_REJECTED", {
            time,
            symbol,
            reason: `broker: ${answer}`,
            verdicts: [{ layer: "broker", verdict: "deny", reason: answer }],
          });
        }
        continue;
      }
      orders.push(answer);
      if (bus.has("ORDER_PLACED")) bus.publish("ORDER_PLACED", { time, order: answer });
    }
    this.#parts.decisions?.push({
      time,
      symbol,
      strategy: slot.config.strategy.name,
      price,
      positionBefore: held,
      votes,
      action: decision.action === "hold" ? "hold" : action,
      reason: decision.reason,
      risk,
      orders,
      outcome: decisionOutcome(decision, orders.length, rejected),
    });
  }
}

/**
 * What the shield made of a proposed leverage: the proposal, and the leverage of what it let through (the order
 * keeps its leverage setting and a scale cuts its size, so the exposure it adds is proposed × scale; 0 if denied).
 */
function allowedLeverage(
  proposed: number,
  quantity: number,
  verdict: { approved: boolean; quantity: number },
): { proposed: number; allowed: number } {
  return { proposed, allowed: verdict.approved && quantity > 0 ? proposed * (verdict.quantity / quantity) : 0 };
}
