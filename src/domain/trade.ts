export type Side = "long" | "short";

/** A closed round trip: from the first fill that opened a position to the fill that brought it back to flat. */
export interface ClosedTrade {
  readonly id: number;
  readonly symbol: string;
  readonly side: Side;
  /** Largest absolute quantity held during the trade (base units). */
  readonly quantity: number;
  readonly entryTime: number;
  readonly exitTime: number;
  /** Quantity-weighted average entry and exit prices, fees excluded. */
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Fees paid on entry and exit fills, in quote currency. */
  readonly fees: number;
  /** Funding paid (positive) or received (negative) while the trade was open, perpetuals only. */
  readonly funding: number;
  /** Price PnL minus fees minus funding, in quote currency. */
  readonly netPnl: number;
  /** netPnl as a fraction of the margin committed (entry notional / leverage); 0.01 = 1 %. */
  readonly returnPct: number;
  readonly exitReason: string;
  readonly barsHeld: number;
  /** The strategy or signal source(s) of the fill that opened the trade. */
  readonly source?: string;
}

/** Account equity sampled at every bar close (Unix ms). */
export interface EquityCurve {
  readonly time: Float64Array;
  readonly equity: Float64Array;
}
