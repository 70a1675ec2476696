import { type Selectable, sql } from "kysely";
import type { FillsTable } from "../database.js";
import { type Db, inTransaction, type TimeRange } from "./shared.js";

export interface FillInput {
  readonly clientOrderId: string;
  /** The venue's trade id; when present it identifies the fill. */
  readonly venueTradeId?: string;
  /** Position of the fill within its order, for venues (and the simulator) without trade ids. */
  readonly seq?: number;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly feeCurrency?: string;
  readonly time: number;
}

export interface FillRecord extends FillInput {
  readonly id: number;
  readonly fillKey: string;
}

/** The identity of a fill: the venue trade id per symbol, or else the client order id and sequence number. */
export function fillKey(fill: Pick<FillInput, "clientOrderId" | "venueTradeId" | "seq" | "symbol">): string {
  if (fill.venueTradeId !== undefined) return `trade:${fill.symbol}:${fill.venueTradeId}`;
  if (fill.seq !== undefined) return `seq:${fill.clientOrderId}:${fill.seq}`;
  throw new Error(`fill of ${fill.clientOrderId} has neither a venue trade id nor a sequence number`);
}

export class FillsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Records a fill and adds it to its order's filled quantity and average price, in one transaction. The same
   * fill reported twice (a replayed WebSocket message, a reconciliation) is ignored: resolves to false and the
   * order is not counted twice. Throws when the order is unknown (reconciliation adopts it first).
   */
  async insert(fill: FillInput): Promise<boolean> {
    const key = fillKey(fill);
    return inTransaction(this.#db, async (trx) => {
      const inserted = await trx
        .insertInto("fills")
        .values({
          fillKey: key,
          clientOrderId: fill.clientOrderId,
          venueTradeId: fill.venueTradeId ?? null,
          seq: fill.seq ?? null,
          symbol: fill.symbol,
          side: fill.side,
          qty: fill.qty,
          price: fill.price,
          fee: fill.fee,
          feeCurrency: fill.feeCurrency ?? null,
          time: fill.time,
        })
        .onConflict((oc) => oc.column("fillKey").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted === undefined) return false;
      // One UPDATE reads the old filled quantity on its right-hand sides, so the average is computed atomically.
      const updated = await trx
        .updateTable("orders")
        .set({
          filledQty: sql<number>`filled_qty + ${fill.qty}`,
          avgFillPrice: sql<number>`(coalesce(avg_fill_price, 0) * filled_qty + ${fill.price * fill.qty}) / (filled_qty + ${fill.qty})`,
          updatedAt: fill.time,
        })
        .where("clientOrderId", "=", fill.clientOrderId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw new Error(`fill ${key} is for an unknown order ${fill.clientOrderId}`);
      return true;
    });
  }

  async ofOrder(clientOrderId: string): Promise<FillRecord[]> {
    const rows = await this.#db
      .selectFrom("fills")
      .selectAll()
      .where("clientOrderId", "=", clientOrderId)
      .orderBy("id")
      .execute();
    return rows.map(toRecord);
  }

  async range(range: TimeRange = {}): Promise<FillRecord[]> {
    let query = this.#db.selectFrom("fills").selectAll();
    if (range.from !== undefined) query = query.where("time", ">=", range.from);
    if (range.to !== undefined) query = query.where("time", "<=", range.to);
    return (await query.orderBy("time").orderBy("id").execute()).map(toRecord);
  }
}

function toRecord(row: Selectable<FillsTable>): FillRecord {
  return {
    id: row.id,
    fillKey: row.fillKey,
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side as FillRecord["side"],
    qty: row.qty,
    price: row.price,
    fee: row.fee,
    time: row.time,
    ...(row.venueTradeId !== null ? { venueTradeId: row.venueTradeId } : {}),
    ...(row.seq !== null ? { seq: row.seq } : {}),
    ...(row.feeCurrency !== null ? { feeCurrency: row.feeCurrency } : {}),
  };
}
