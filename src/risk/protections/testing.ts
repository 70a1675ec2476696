import type { Fill } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";

/** Test helpers: closed trades and their closing fill, to feed a protection's onFill directly. */

const H = 3_600_000;
let tradeSeq = 0;

/** A long trade on `symbol` closed at `exitTime` for `exitReason` with return `returnPct` (0.01 = 1 %). */
export function closedTrade(
  symbol: string,
  exitTime: number,
  exitReason: string,
  returnPct = -0.02,
): { fill: Fill; trade: ClosedTrade } {
  const trade: ClosedTrade = {
    id: ++tradeSeq,
    symbol,
    side: "long",
    quantity: 1,
    entryTime: exitTime - 2 * H,
    exitTime,
    entryPrice: 100,
    exitPrice: 100 * (1 + returnPct),
    fees: 0,
    funding: 0,
    netPnl: 100 * returnPct,
    returnPct,
    exitReason,
    barsHeld: 2,
  };
  const fill: Fill = {
    clientOrderId: `exit-${trade.id}`,
    symbol,
    side: "sell",
    quantity: 1,
    price: trade.exitPrice,
    fee: 0,
    time: exitTime,
    liquidity: "taker",
    reason: exitReason,
  };
  return { fill, trade };
}
