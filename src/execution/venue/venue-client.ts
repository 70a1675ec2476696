/**
 * The venue-client contract: what the order manager needs from any venue (the simulated exchange, a testnet, a live
 * exchange), whatever library talks to it.
 *
 *   submit(intent)                 → VenueAck, or throws a VenueError (see venue-errors.ts). Never sends twice: an
 *                                    answer lost on the way back is resolved by looking the client order id up; when
 *                                    even that fails it throws UncertainOrderError (ask again later, do not resend).
 *   cancel(clientOrderId, symbol)  → VenueOrder (cancelled, or already final); OrderNotFoundError when unknown.
 *   fetchOrderByClientId(id, sym)  → VenueOrder; OrderNotFoundError when the venue never saw it.
 *   fetchOpenOrders(symbol?)       → VenueOrder[]
 *   fetchBalances()                → VenueBalance[] (per asset: free, used, total)
 *   fetchPositions()               → VenuePosition[] (derivatives; [] on spot)
 *   onReport(listener)             → unsubscribe; reports arrive in the venue's order, one per venue event:
 *                                    acknowledged, partially-filled / filled (with the venue's trade id), cancelled,
 *                                    rejected, expired. A fill of an order not yet acknowledged is preceded by a
 *                                    synthesised acknowledgement, so every order's reports start with one.
 *   close()                        → stops streams and closes connections.
 *
 * Quantities and prices are plain numbers in the venue's units (base asset / quote currency). Symbols are unified
 * CCXT symbols: BTC/USDT (spot), BTC/USDT:USDT (USDⓈ-M perpetual).
 */

export type OrderSide = "buy" | "sell";
export type VenueOrderType = "market" | "limit";
export type TimeInForce = "GTC" | "IOC" | "FOK" | "PO";

/** What the engine wants placed. `clientOrderId` is chosen (and stored) by the order manager before sending. */
export interface OrderIntent {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: VenueOrderType;
  readonly quantity: number;
  /** Limit price; required for limit orders. */
  readonly price?: number;
  readonly timeInForce?: TimeInForce;
  /** Derivatives: only reduce a position. */
  readonly reduceOnly?: boolean;
}

export type VenueOrderStatus = "open" | "partially-filled" | "filled" | "cancelled" | "rejected" | "expired";

/** An order as the venue reports it. */
export interface VenueOrder {
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: string;
  readonly status: VenueOrderStatus;
  readonly quantity: number;
  readonly filledQuantity: number;
  /** Average fill price, when anything filled. */
  readonly averagePrice: number | undefined;
  readonly price: number | undefined;
  /** Venue time of the last change (Unix ms). */
  readonly timestamp: number | undefined;
}

/** The venue's answer to submit: the order exists there. `recovered` when it was found by client id after a lost answer. */
export interface VenueAck {
  readonly order: VenueOrder;
  readonly recovered: boolean;
}

export interface VenueBalance {
  readonly asset: string;
  readonly free: number;
  readonly used: number;
  readonly total: number;
}

export interface VenuePosition {
  readonly symbol: string;
  /** Signed: positive long, negative short (base units). */
  readonly quantity: number;
  readonly entryPrice: number;
  readonly markPrice: number | undefined;
  readonly unrealizedPnl: number | undefined;
  readonly leverage: number | undefined;
}

interface ReportBase {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly symbol: string;
  /** Venue time of the event (Unix ms). */
  readonly timestamp: number;
}

export type VenueReport =
  | (ReportBase & { readonly kind: "acknowledged"; readonly synthesized: boolean })
  | (ReportBase & {
      readonly kind: "partially-filled" | "filled";
      readonly tradeId: string;
      readonly side: OrderSide;
      readonly quantity: number;
      readonly price: number;
      readonly fee: number;
      readonly feeAsset: string | undefined;
      /** Quantity filled so far, this fill included. */
      readonly cumulativeQuantity: number;
    })
  | (ReportBase & { readonly kind: "cancelled" | "expired" })
  | (ReportBase & { readonly kind: "rejected"; readonly reason: string });

export interface VenueClient {
  /** CCXT exchange id (binance, binanceusdm, …) this client talks to. */
  readonly exchangeId: string;
  submit(intent: OrderIntent): Promise<VenueAck>;
  cancel(clientOrderId: string, symbol: string): Promise<VenueOrder>;
  fetchOrderByClientId(clientOrderId: string, symbol: string): Promise<VenueOrder>;
  fetchOpenOrders(symbol?: string): Promise<VenueOrder[]>;
  fetchBalances(): Promise<VenueBalance[]>;
  fetchPositions(): Promise<VenuePosition[]>;
  /** Subscribes to order reports (starting the venue's user data stream on first use); returns the unsubscribe. */
  onReport(listener: (report: VenueReport) => void): () => void;
  close(): Promise<void>;
}
