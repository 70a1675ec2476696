import type { ClientVenue } from "../../execution/venue/client-venue.js";
import type { VenueBalance, VenuePosition } from "../../execution/venue/venue-client.js";

/**
 * Differences up to this share of the session's cash (and at least one cent) are fees and rounding: a fill
 * learnt at reconciliation carries an estimated fee, and the venue rounds balances to its own precision.
 */
export const CASH_TOLERANCE_RATE = 0.001;
export const CASH_TOLERANCE_MIN = 0.01;

/** A cash difference and what was done about it (one of reconcile.ts's records). */
export interface CashDiscrepancy {
  readonly kind: "cash-mismatch";
  readonly decision: "adopted" | "left-alone" | "cut-to-venue";
  /** The quote asset(s) compared, e.g. USDT, or USD+USDT for a session on two venues. */
  readonly symbol: string;
  readonly detail: string;
  readonly flagged: boolean;
  /** Quote the venue holds for the session now, what the store expected there, and their difference. */
  readonly venue: number;
  readonly expected: number;
  readonly difference: number;
  /** What the session's cash was moved by (0 when left alone). */
  readonly adjustment: number;
}

export interface CashReconcileOptions {
  readonly venue: ClientVenue;
  readonly symbols: readonly string[];
  readonly contracts: boolean;
  readonly balances: readonly VenueBalance[];
  /** USDⓈ-M positions (their unrealised PnL is part of the venue's balance); [] on spot. */
  readonly positions: readonly VenuePosition[];
}

/**
 * Compares the session's cash with the venue's quote balance (free + used: funds locked by open orders are still
 * the account's). The session trades a part of the account (`--cash`), so what is compared is the rest of the account
 * ("outside" funds), measured at the previous start and carried in the venue snapshot: the session's own fills move
 * its cash and the venue's balance alike, so anything else moved money behind its back. The rule:
 *
 * | venue quote − expected                        | decision       | flagged | the session's cash            |
 * |-----------------------------------------------|----------------|---------|-------------------------------|
 * | within tolerance (fees, rounding)             | `adopted`      | no      | moved by the difference       |
 * | beyond it, the venue still covers the session | `left-alone`   | yes     | unchanged: a deposit or a withdrawal of the rest of the account is not profit or loss of the strategies |
 * | the venue holds less than the session's cash  | `cut-to-venue` | yes     | cut to what the venue holds: nothing is sized from money that is not there |
 *
 * The first start has no measurement: the venue must cover the session's cash (else `cut-to-venue`), and what is
 * beyond it becomes the outside funds. After the check, the outside funds are measured again for the next start.
 * Spot: the venue's quote is the session's cash less what its open positions cost (cash here moves only by realised
 * PnL, fees and funding). USDⓈ-M: the venue's balance holds the positions' unrealised PnL, taken out before comparing.
 */
export function reconcileCash(o: CashReconcileOptions): CashDiscrepancy | undefined {
  const quotes = [...new Set(o.symbols.map((s) => o.venue.instrument(s)?.quote ?? (s.split("/")[1] as string)))];
  const quoteSet = new Set(quotes);
  let venue = 0;
  for (const b of o.balances) if (quoteSet.has(b.asset)) venue += b.free + b.used;
  if (o.contracts) for (const p of o.positions) venue -= p.unrealizedPnl ?? 0;
  const account = o.venue.account;
  // What the venue should hold for the session alone.
  let ours = account.cash;
  if (!o.contracts)
    for (const symbol of o.symbols) {
      const p = account.position(symbol);
      if (p) ours -= p.quantity * p.entryPrice;
    }
  const tolerance = Math.max(CASH_TOLERANCE_MIN, CASH_TOLERANCE_RATE * Math.abs(account.cash));
  const outside = o.venue.cashOutside;
  const expected = ours + (outside ?? Math.max(0, venue - ours));
  const difference = venue - expected;
  const asset = quotes.sort().join("+");
  const money = (x: number) => `${round2(x)} ${asset}`;
  let found: CashDiscrepancy | undefined;
  if (venue < ours - tolerance) {
    const adjustment = venue - ours;
    account.adjustCash(adjustment);
    found = {
      kind: "cash-mismatch",
      decision: "cut-to-venue",
      symbol: asset,
      detail: `the venue holds ${money(venue)}, less than the session's ${money(ours)}: its cash is cut by ${money(-adjustment)} (money moved behind the bot's back; check the account)`,
      flagged: true,
      venue,
      expected,
      difference,
      adjustment,
    };
  } else if (Math.abs(difference) > tolerance) {
    found = {
      kind: "cash-mismatch",
      decision: "left-alone",
      symbol: asset,
      detail: `the venue holds ${money(venue)}, ${money(difference)} ${difference > 0 ? "more" : "less"} than expected (${money(expected)}): a transfer or a trade outside the session; its cash is unchanged`,
      flagged: true,
      venue,
      expected,
      difference,
      adjustment: 0,
    };
  } else if (Math.abs(difference) > 1e-9 * Math.max(1, Math.abs(venue))) {
    account.adjustCash(difference);
    found = {
      kind: "cash-mismatch",
      decision: "adopted",
      symbol: asset,
      detail: `the venue holds ${money(venue)}, ${money(difference)} off the expected ${money(expected)} (within ${money(tolerance)}: fees, rounding): adopted`,
      flagged: false,
      venue,
      expected,
      difference,
      adjustment: difference,
    };
  }
  // The rest of the account, for the next start's comparison.
  o.venue.cashOutside = Math.max(0, venue - (ours + (found?.adjustment ?? 0)));
  return found;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
