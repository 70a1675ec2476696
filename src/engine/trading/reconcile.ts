import type { ClientVenue } from "../../execution/venue/client-venue.js";
import type { VenueBalance, VenueClient, VenueOrder, VenuePosition } from "../../execution/venue/venue-client.js";
import { OrderNotFoundError } from "../../execution/venue/venue-errors.js";
import { type CashDiscrepancy, reconcileCash } from "./reconcile-cash.js";

/**
 * One difference between the store and the venue, and what was done about it. The rules, applied at every start
 * (startup and crash recovery are one path: load state, reconcile, resume):
 *
 * | difference                                                   | decision      | flagged |
 * |--------------------------------------------------------------|---------------|---------|
 * | an unanswered intent the venue never saw (crash before send) | `never-sent`: closed as cancelled, NOT resent | no |
 * | an unanswered intent the venue has                           | `booked`: missed acknowledgement, fills, cancel or expiry booked | no |
 * | an unanswered intent the venue cannot be asked about now     | `unresolved`: kept, asked again when its answer comes | yes |
 * | an open order with our client-id prefix unknown to the store | `adopted`: tracked and booked as ours | no |
 * | an open order without our prefix (placed by someone else)    | `left-alone`: not touched | yes |
 * | a position (spot: base balance) differing beyond dust        | `entries-blocked` for that symbol until the next start | yes |
 * | the quote balance differing from the session's cash          | `adopted` within tolerance, else `left-alone` or `cut-to-venue` (reconcile-cash.ts) | beyond tolerance |
 */
export type Discrepancy = OrderOrPositionDiscrepancy | CashDiscrepancy;

export interface OrderOrPositionDiscrepancy {
  readonly kind: "unanswered-intent" | "unknown-own-order" | "foreign-order" | "position-mismatch";
  readonly decision: "never-sent" | "booked" | "unresolved" | "adopted" | "left-alone" | "entries-blocked";
  readonly symbol: string;
  readonly clientOrderId?: string;
  readonly detail: string;
  readonly flagged: boolean;
}

export interface ReconcileOptions {
  readonly venue: ClientVenue;
  readonly client: VenueClient;
  /** Prefix of this session's client order ids (`${session}-`). */
  readonly prefix: string;
  readonly symbols: readonly string[];
  /** The engine's signed position of a symbol, after the missed reports were booked. */
  readonly position: (symbol: string) => number;
  readonly contracts: boolean;
}

/** Compares the restored state with the venue, books what was missed, and returns every difference found. */
export async function reconcile(o: ReconcileOptions): Promise<Discrepancy[]> {
  const found: Discrepancy[] = [];
  for (const t of o.venue.unanswered()) {
    const id = t.order.clientOrderId;
    const symbol = t.order.symbol;
    let order: VenueOrder;
    try {
      order = await o.client.fetchOrderByClientId(id, o.venue.venueSymbol(symbol));
    } catch (error) {
      if (error instanceof OrderNotFoundError) {
        o.venue.markNeverSent(
          t,
          "never sent: the venue does not know it (stopped between commit and send); not resent",
        );
        found.push({
          kind: "unanswered-intent",
          decision: "never-sent",
          symbol,
          clientOrderId: id,
          detail: `${t.order.side} ${t.order.quantity} was committed but never reached the venue`,
          flagged: false,
        });
      } else {
        found.push({
          kind: "unanswered-intent",
          decision: "unresolved",
          symbol,
          clientOrderId: id,
          detail: `the venue could not be asked (${(error as Error).message}); the order is kept and never resent`,
          flagged: true,
        });
      }
      continue;
    }
    const before = `${t.status}, ${t.filled} filled`;
    o.venue.applyVenueOrder(t, order, `${order.status} at the venue while Aegis was down`);
    if (before !== `${t.status}, ${t.filled} filled`)
      found.push({
        kind: "unanswered-intent",
        decision: "booked",
        symbol,
        clientOrderId: id,
        detail: `stored ${before}; the venue says ${order.status}, ${order.filledQuantity} filled`,
        flagged: false,
      });
  }

  for (const order of await o.client.fetchOpenOrders()) {
    const symbol = o.venue.engineSymbol(order.symbol);
    if (o.venue.knows(order.clientOrderId)) continue;
    if (order.clientOrderId.startsWith(o.prefix)) {
      o.venue.applyVenueOrder(o.venue.adopt(order), order, "adopted at reconciliation");
      found.push({
        kind: "unknown-own-order",
        decision: "adopted",
        symbol,
        clientOrderId: order.clientOrderId,
        detail: `${order.side} ${order.quantity} (${order.status}) has this session's id but no record: adopted`,
        flagged: false,
      });
    } else {
      found.push({
        kind: "foreign-order",
        decision: "left-alone",
        symbol,
        clientOrderId: order.clientOrderId,
        detail: `${order.side} ${order.quantity} ${order.type} was not placed by this session: left alone`,
        flagged: true,
      });
    }
  }

  const balances = await o.client.fetchBalances();
  const positions = o.contracts ? await o.client.fetchPositions() : [];
  const held = venuePositions(o, balances, positions);
  for (const symbol of o.symbols) {
    const venue = held.get(symbol) ?? 0;
    const ours = o.position(symbol);
    const dust = o.venue.dust(symbol);
    const lot = o.venue.instrument(symbol)?.lotSize ?? 0;
    // Dust: what the venue keeps beyond whole lots (spot fees taken in the asset bought), plus half a lot.
    const expected = ours + (o.contracts ? 0 : dust);
    if (Math.abs(venue - expected) > lot / 2 + 1e-9 * Math.max(1, Math.abs(venue))) {
      found.push({
        kind: "position-mismatch",
        decision: "entries-blocked",
        symbol,
        detail: `the store holds ${ours}${dust > 0 ? ` (+${dust} dust)` : ""}, the venue ${venue}; new entries blocked`,
        flagged: true,
      });
    }
  }
  const cash = reconcileCash({ venue: o.venue, symbols: o.symbols, contracts: o.contracts, balances, positions });
  if (cash) found.push(cash);
  return found;
}

/** The venue's signed position per engine symbol: USDⓈ-M positions, or spot balances of the base asset. */
function venuePositions(
  o: ReconcileOptions,
  balances: readonly VenueBalance[],
  positions: readonly VenuePosition[],
): Map<string, number> {
  const out = new Map<string, number>();
  if (o.contracts) {
    for (const p of positions) out.set(o.venue.engineSymbol(p.symbol), p.quantity);
    return out;
  }
  const totals = new Map(balances.map((b) => [b.asset, b.total]));
  for (const symbol of o.symbols) out.set(symbol, totals.get(symbol.split("/")[0] as string) ?? 0);
  return out;
}
