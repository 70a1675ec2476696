import type { ClosedTrade } from "../../domain/trade.js";
import type { RiskLayer } from "../shield.js";
import type { Sizer } from "./sizer.js";

/** Closed trades a sizing layer remembers; Kelly looks at far fewer. */
const HISTORY_LIMIT = 1000;

/**
 * Puts a base-size method into the risk shield: an "adjust"-phase layer that rescales the engine's base quantity
 * (the slot's `--size` or the strategy's sizing) to what `sizer` asks for, so the decision record shows the method
 * and its numbers. Being a scale, it composes with the other multipliers whatever their order:
 * final = sizer × confidence × regime × market context, then capped by the limit layers. Orders that reduce a
 * position are never resized. The layer remembers closed trades from fills (and `history`, e.g. loaded from the
 * store after a restart) for methods that learn from them (Kelly).
 */
export function createSizingLayer(
  name: string,
  sizer: Sizer,
  history: readonly ClosedTrade[] = [],
): RiskLayer & { readonly trades: readonly ClosedTrade[] } {
  const trades: ClosedTrade[] = history.slice(-HISTORY_LIMIT);
  return {
    name,
    phase: "adjust",
    trades,
    check(order, context) {
      if (order.reduceOnly) return { layer: name, verdict: "allow", reason: "reduces a position: not resized" };
      if (!(order.quantity > 0)) {
        return { layer: name, verdict: "allow", reason: `no base quantity to rescale (${order.quantity})` };
      }
      const decision = sizer({
        symbol: order.symbol,
        price: order.price,
        equity: context.portfolio.equity(),
        takerFee: context.instrument.takerFee,
        leverage: order.leverage,
        market: context.market,
        trades,
      });
      const quantity = Number.isFinite(decision.quantity) ? Math.max(0, decision.quantity) : 0;
      return {
        layer: name,
        verdict: "scale",
        scale: quantity / order.quantity,
        reason: `${decision.reason}: quantity ${formatQuantity(quantity)} instead of ${formatQuantity(order.quantity)}`,
      };
    },
    onFill(_fill, trade) {
      if (trade === undefined) return;
      trades.push(trade);
      if (trades.length > HISTORY_LIMIT) trades.splice(0, trades.length - HISTORY_LIMIT);
    },
  };
}

function formatQuantity(quantity: number): string {
  return Number(quantity.toPrecision(6)).toString();
}
