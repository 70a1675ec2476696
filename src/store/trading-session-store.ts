import type { OrderRequest } from "../domain/order.js";
import type { SessionState, SessionStore, StepRecord } from "../engine/trading/session-store.js";
import type { VenueReport } from "../execution/venue.js";
import type { OrderStatus as StoredStatus } from "./repositories/orders.js";
import type { Store, StoreSession } from "./store.js";

/**
 * The trading runtime's persistence on the store (SQLite or PostgreSQL): each time step lands in one transaction,
 * with its order intents and venue reports, fills, decisions (every vote and verdict), closed trades, the equity
 * snapshot, the audit events and the session state a restart continues from.
 */
export class StoreSessionStore implements SessionStore {
  readonly #store: Store;
  readonly #venue: string;

  constructor(store: Store, venue: string) {
    this.#store = store;
    this.#venue = venue;
  }

  async load(session: string): Promise<SessionState | undefined> {
    const row = await this.#store.db
      .selectFrom("tradingSessions")
      .select(["state"])
      .where("session", "=", session)
      .executeTakeFirst();
    if (!row) return undefined;
    try {
      return JSON.parse(row.state) as SessionState;
    } catch (error) {
      throw new Error(
        `the saved state of session ${session} in ${this.#store.location} is corrupt (${(error as Error).message}); ` +
          "start a new session with --session NAME, or remove that row",
        { cause: error },
      );
    }
  }

  async commit(session: string, step: StepRecord): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (const { order, time } of step.intents) await this.#intent(tx, session, order, time);
      // Reports about orders written above need no intent of their own; others (venue-made exits) get one.
      const known = new Set(step.intents.map((i) => i.order.clientOrderId));
      for (const { report } of step.reports) await this.#report(tx, session, report, known);
      if (step.decisions.length > 0) {
        await tx.decisions.insertMany(
          step.decisions.map((d) => ({
            time: d.time,
            symbol: d.symbol,
            strategyId: d.strategy,
            action: d.action,
            outcome: d.outcome,
            reason: d.reason,
            votes: d.votes,
            verdicts: d.risk,
            detail: { session, price: d.price, positionBefore: d.positionBefore, orders: d.orders },
            decisionKey: `${session}|${d.strategy}|${d.symbol}|${d.time}`,
          })),
        );
      }
      for (const t of step.trades) {
        await tx.trades.insert({
          tradeId: `${session}:${t.id}`,
          symbol: t.symbol,
          strategyId: session,
          side: t.side,
          qty: t.quantity,
          entryTime: t.entryTime,
          entryPrice: t.entryPrice,
          exitTime: t.exitTime,
          exitPrice: t.exitPrice,
          pnl: t.netPnl,
          fees: t.fees,
          exitReason: t.exitReason,
          detail: { funding: t.funding, returnPct: t.returnPct, barsHeld: t.barsHeld },
        });
      }
      await tx.equity.insert({
        time: step.equity.time,
        equity: step.equity.equity,
        cash: step.equity.cash,
        positionsValue: step.equity.equity - step.equity.cash,
        detail: { session },
      });
      for (const e of step.events) {
        await tx.events.append({
          time: e.time,
          kind: e.type,
          source: `session:${session}`,
          detail: (e.payload ?? {}) as Record<string, unknown>,
        });
      }
      for (const row of step.learning?.trades ?? []) await tx.learning.insertTrade(row);
      for (const row of step.learning?.performance ?? []) await tx.learning.insertStrategyPerformance(row);
      const state = JSON.stringify(step.state);
      await tx.db
        .insertInto("tradingSessions")
        .values({ session, state, stepClose: step.state.close, updatedAt: step.equity.time })
        .onConflict((oc) =>
          oc.column("session").doUpdateSet({ state, stepClose: step.state.close, updatedAt: step.equity.time }),
        )
        .execute();
    });
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  /** Writes an intent (idempotent: an order the venue made itself is adopted at its first report). */
  async #intent(tx: StoreSession, session: string, order: OrderRequest, time: number): Promise<void> {
    await tx.orders.insertIntent({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      qty: order.quantity,
      ...(order.limitPrice !== undefined ? { price: order.limitPrice } : {}),
      ...(order.stopPrice !== undefined ? { stop: order.stopPrice } : {}),
      strategyId: session,
      venue: this.#venue,
      intentTime: time,
      detail: {
        reason: order.reason,
        reduceOnly: order.reduceOnly ?? false,
        leverage: order.leverage ?? 1,
        attach: order.attach ?? null,
      },
    });
  }

  async #report(tx: StoreSession, session: string, report: VenueReport, known: Set<string>): Promise<void> {
    if (report.type === "funding") {
      await tx.events.append({
        time: report.time,
        kind: "funding",
        source: `session:${session}`,
        detail: { symbol: report.symbol, rate: report.rate, markPrice: report.markPrice },
      });
      return;
    }
    if (report.type === "filled") {
      const f = report.fill;
      if (!known.has(f.clientOrderId))
        await this.#intent(
          tx,
          session,
          {
            clientOrderId: f.clientOrderId,
            symbol: f.symbol,
            side: f.side,
            type: "market",
            quantity: f.quantity,
            reason: f.reason,
          },
          f.time,
        );
      // A real venue names its fills; the simulated one fills an order at most once per bar, so order and bar
      // time identify the fill.
      await tx.fills.insert({
        clientOrderId: f.clientOrderId,
        venueTradeId: report.tradeId ?? `${f.clientOrderId}@${f.time}`,
        symbol: f.symbol,
        side: f.side,
        qty: f.quantity,
        price: f.price,
        fee: f.fee,
        time: f.time,
      });
      const status: StoredStatus = report.remaining > 0 ? "partially-filled" : "filled";
      await tx.orders.update(f.clientOrderId, { status, time: report.time });
      return;
    }
    if (!known.has(report.order.clientOrderId)) await this.#intent(tx, session, report.order, report.time);
    const status: StoredStatus = report.type === "accepted" ? "acknowledged" : report.type;
    await tx.orders.update(report.order.clientOrderId, {
      status,
      time: report.time,
      ...(report.type !== "accepted" ? { reason: report.reason } : {}),
      ...(report.type === "accepted" && report.venueOrderId !== undefined ? { venueOrderId: report.venueOrderId } : {}),
    });
  }
}
