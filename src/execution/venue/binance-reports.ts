/**
 * Binance's user-data order events as VenueReports: spot `executionReport` (wrapped by the WebSocket API in
 * `{ subscriptionId, event }`) and USDⓈ-M `ORDER_TRADE_UPDATE`. One event gives at most two reports: a synthesised
 * acknowledgement when an order's first event is a fill, then the event itself.
 */
import type { VenueReport } from "./venue-client.js";

interface RawOrderEvent {
  readonly s: string;
  readonly c: string;
  readonly C?: string;
  readonly S: string;
  readonly x: string;
  readonly X: string;
  readonly r?: string;
  readonly i: number | string;
  readonly l: string;
  readonly z: string;
  readonly L: string;
  readonly n?: string;
  readonly N?: string | null;
  readonly T: number;
  readonly t: number | string;
}

/** Maps a Binance market id (BTCUSDT) to the unified symbol of the given market type ("spot" or "contract"). */
export type SymbolResolver = (marketId: string, type: "spot" | "contract") => string;

export class BinanceReportParser {
  private readonly acknowledged = new Set<string>();

  constructor(private readonly symbolOf: SymbolResolver) {}

  /** The reports in one raw WebSocket message (none for anything that is not an order event). */
  parse(message: unknown): VenueReport[] {
    if (message === null || typeof message !== "object") return [];
    let event = message as Record<string, unknown>;
    if (typeof event["event"] === "object" && event["event"] !== null)
      event = event["event"] as Record<string, unknown>;
    if (event["e"] === "executionReport") return this.reportsOf(event as unknown as RawOrderEvent, "spot");
    if (event["e"] === "ORDER_TRADE_UPDATE" && typeof event["o"] === "object" && event["o"] !== null) {
      return this.reportsOf(event["o"] as RawOrderEvent, "contract");
    }
    return [];
  }

  private reportsOf(raw: RawOrderEvent, type: "spot" | "contract"): VenueReport[] {
    // A cancel event names the order in C (its original client id) on spot; c is then the cancel request's id.
    const clientOrderId = raw.x === "CANCELED" && raw.C !== undefined && raw.C !== "" ? raw.C : raw.c;
    const base = {
      clientOrderId,
      venueOrderId: String(raw.i),
      symbol: this.symbolOf(raw.s, type),
      timestamp: Number(raw.T),
    };
    const reports: VenueReport[] = [];
    const key = `${type}:${base.venueOrderId}`;
    if (!this.acknowledged.has(key)) {
      this.acknowledged.add(key);
      reports.push({ ...base, kind: "acknowledged", synthesized: raw.x !== "NEW" });
      if (raw.x === "NEW") return reports;
    }
    switch (raw.x) {
      case "TRADE": {
        const filled = raw.X === "FILLED";
        reports.push({
          ...base,
          kind: filled ? "filled" : "partially-filled",
          tradeId: String(raw.t),
          side: raw.S === "SELL" ? "sell" : "buy",
          quantity: Number(raw.l),
          price: Number(raw.L),
          fee: Number(raw.n ?? 0),
          feeAsset: raw.N ?? undefined,
          cumulativeQuantity: Number(raw.z),
        });
        break;
      }
      case "CANCELED":
        reports.push({ ...base, kind: "cancelled" });
        break;
      case "EXPIRED":
      case "EXPIRED_IN_MATCH":
        reports.push({ ...base, kind: "expired" });
        break;
      case "REJECTED":
        reports.push({ ...base, kind: "rejected", reason: raw.r ?? "rejected" });
        break;
      default:
        break;
    }
    return reports;
  }
}
