import type { Selectable } from "kysely";
import type { OrdersTable } from "../database.js";
import { type Db, fromJson, orNull, type TimeRange, toJson } from "./shared.js";

export type OrderSide = "buy" | "sell";
export type OrderStatus =
  | "intent"
  | "sent"
  | "acknowledged"
  | "partially-filled"
  | "filled"
  | "cancelled"
  | "rejected"
  | "expired"
  | "unknown";

/** What the order manager writes BEFORE the order goes to the venue. */
export interface OrderIntent {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: string;
  readonly qty: number;
  readonly price?: number;
  readonly stop?: number;
  readonly strategyId?: string;
  readonly venue?: string;
  readonly intentTime: number;
  readonly detail?: unknown;
}

export interface OrderChange {
  readonly status?: OrderStatus;
  readonly venueOrderId?: string;
  readonly reason?: string;
  readonly detail?: unknown;
  readonly time: number;
}

export interface OrderRecord extends Omit<OrderIntent, "price" | "stop" | "strategyId" | "venue" | "detail"> {
  readonly id: number;
  readonly venueOrderId?: string;
  readonly venue?: string;
  readonly price?: number;
  readonly stop?: number;
  readonly strategyId?: string;
  readonly status: OrderStatus;
  readonly filledQty: number;
  readonly avgFillPrice?: number;
  readonly reason?: string;
  readonly detail?: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Statuses after which the venue will say nothing more about an order. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ["filled", "cancelled", "rejected", "expired"];

export class OrdersRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Records an intent with status "intent". Idempotent on the client order id, so a replayed spool or a retried
   * call never makes a second order; resolves to false when the id was already there.
   */
  async insertIntent(intent: OrderIntent): Promise<boolean> {
    const row = await this.#db
      .insertInto("orders")
      .values({
        clientOrderId: intent.clientOrderId,
        venueOrderId: null,
        venue: orNull(intent.venue),
        symbol: intent.symbol,
        side: intent.side,
        type: intent.type,
        qty: intent.qty,
        price: orNull(intent.price),
        stop: orNull(intent.stop),
        status: "intent",
        strategyId: orNull(intent.strategyId),
        intentTime: intent.intentTime,
        avgFillPrice: null,
        reason: null,
        detail: intent.detail === undefined ? null : toJson(intent.detail),
        createdAt: intent.intentTime,
        updatedAt: intent.intentTime,
      })
      .onConflict((oc) => oc.column("clientOrderId").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Applies a venue report (status, venue id, reason); throws when the client order id is unknown. */
  async update(clientOrderId: string, change: OrderChange): Promise<void> {
    const result = await this.#db
      .updateTable("orders")
      .set({
        updatedAt: change.time,
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.venueOrderId !== undefined ? { venueOrderId: change.venueOrderId } : {}),
        ...(change.reason !== undefined ? { reason: change.reason } : {}),
        ...(change.detail !== undefined ? { detail: toJson(change.detail) } : {}),
      })
      .where("clientOrderId", "=", clientOrderId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new Error(`no order with client order id ${clientOrderId}`);
  }

  async get(clientOrderId: string): Promise<OrderRecord | undefined> {
    const row = await this.#db
      .selectFrom("orders")
      .selectAll()
      .where("clientOrderId", "=", clientOrderId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** Orders the venue may still act on (everything not final), oldest first: what reconciliation asks about. */
  async open(): Promise<OrderRecord[]> {
    const rows = await this.#db
      .selectFrom("orders")
      .selectAll()
      .where("status", "not in", FINAL_ORDER_STATUSES)
      .orderBy("id")
      .execute();
    return rows.map(toRecord);
  }

  /** Orders by intent time, oldest first. */
  async range(range: TimeRange = {}): Promise<OrderRecord[]> {
    let query = this.#db.selectFrom("orders").selectAll();
    if (range.from !== undefined) query = query.where("intentTime", ">=", range.from);
    if (range.to !== undefined) query = query.where("intentTime", "<=", range.to);
    return (await query.orderBy("intentTime").orderBy("id").execute()).map(toRecord);
  }
}

function toRecord(row: Selectable<OrdersTable>): OrderRecord {
  return {
    id: row.id,
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side as OrderSide,
    type: row.type,
    qty: row.qty,
    status: row.status as OrderStatus,
    intentTime: row.intentTime,
    filledQty: row.filledQty,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...(row.venueOrderId !== null ? { venueOrderId: row.venueOrderId } : {}),
    ...(row.venue !== null ? { venue: row.venue } : {}),
    ...(row.price !== null ? { price: row.price } : {}),
    ...(row.stop !== null ? { stop: row.stop } : {}),
    ...(row.strategyId !== null ? { strategyId: row.strategyId } : {}),
    ...(row.avgFillPrice !== null ? { avgFillPrice: row.avgFillPrice } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.detail !== null ? { detail: fromJson(row.detail) } : {}),
  };
}
