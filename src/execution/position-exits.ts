import type { AttachedExits, OrderRequest } from "../domain/order.js";

/** An order resting at the simulated venue. */
export interface WorkingOrder {
  request: OrderRequest;
  remaining: number;
  /** A stop-limit whose stop has been hit and now rests as a limit. */
  triggered: boolean;
  /** Bar at which it was submitted: it can fill from the next bar on. */
  submittedIndex: number;
}

/** The exits attached to an open position, which the simulated venue checks on every bar. */
export interface PositionExits {
  side: 1 | -1;
  stop: number;
  target: number;
  trailingPct: number;
  trailingDistance: number;
  /** Best price since entry (highest for a long), updated at each bar's close for use from the next bar. */
  anchor: number;
  maxBars: number;
  openedIndex: number;
  /** First bar on which the exits are checked. */
  activeFrom: number;
  timeExitSent: boolean;
}

/** The exits `attach` asks for, around a position opened at `price` on bar `index`. */
export function exitsFor(
  attach: AttachedExits,
  side: 1 | -1,
  price: number,
  index: number,
  activeFrom: number,
): PositionExits {
  const stopDistance = Math.max(attach.stopLossPct ? attach.stopLossPct * price : 0, attach.stopLossDistance ?? 0);
  const targetDistance = Math.max(
    attach.takeProfitPct ? attach.takeProfitPct * price : 0,
    attach.takeProfitDistance ?? 0,
  );
  return {
    side,
    stop: stopDistance > 0 ? price - side * stopDistance : Number.NaN,
    target: targetDistance > 0 ? price + side * targetDistance : Number.NaN,
    trailingPct: attach.trailingPct ?? 0,
    trailingDistance: attach.trailingDistance ?? 0,
    anchor: price,
    maxBars: attach.maxBars ?? 0,
    openedIndex: index,
    activeFrom,
    timeExitSent: false,
  };
}

/** The stop in force: the fixed stop, or the trailing one where it is tighter. */
export function effectiveStop(e: PositionExits): number {
  let stop = e.stop;
  if (e.trailingPct > 0 || e.trailingDistance > 0) {
    const distance = Math.max(e.trailingPct * e.anchor, e.trailingDistance);
    const trail = e.anchor - e.side * distance;
    if (Number.isNaN(stop) || (e.side === 1 ? trail > stop : trail < stop)) stop = trail;
  }
  return stop;
}
