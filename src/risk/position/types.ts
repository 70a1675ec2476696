import type { MarketSnapshot } from "../market-snapshot.js";

/** An open position as position management sees it after a bar has closed. */
export interface ManagedPositionView {
  readonly symbol: string;
  readonly side: "long" | "short";
  /** Absolute base quantity. */
  readonly quantity: number;
  readonly entryPrice: number;
  readonly barsHeld: number;
  /** The stop-loss the broker currently holds for the position (trailing included), if any. */
  readonly stop: number | undefined;
  readonly leverage: number;
  /** Where the venue would liquidate the position (isolated margin), if it can be liquidated. */
  readonly liquidationPrice: number | undefined;
  readonly time: number;
  readonly market: MarketSnapshot;
}

/**
 * What position management asks the engine to do. Stops move through the broker (checked intrabar from the next
 * bar); reductions are reduce-only orders: at the next open, or resting at `limitPrice` (partial take-profit).
 */
export type PositionAction =
  | { readonly kind: "set-stop"; readonly price: number; readonly reason: string }
  | { readonly kind: "reduce"; readonly quantity: number; readonly reason: string; readonly limitPrice?: number }
  | { readonly kind: "close"; readonly reason: string };

export interface PositionManager {
  /** A position was opened (its first fill): set the initial stop, place partial take-profits. */
  onOpen(position: ManagedPositionView): readonly PositionAction[];
  /** A bar closed with the position still open: trail, break even, cut near liquidation, time out. */
  onBar(position: ManagedPositionView): readonly PositionAction[];
  /** The position is gone; forget its state. */
  onClose(symbol: string): void;
}
