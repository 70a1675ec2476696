import { type Db, fromJson, type TimeRange, toJson } from "./shared.js";

/** A closed round trip. */
export interface TradeRecord {
  /** Caller's identity of the trade (e.g. the entry order's client id), so a replay never doubles it. */
  readonly tradeId: string;
  readonly symbol: string;
  readonly strategyId?: string;
  readonly side: "long" | "short";
  readonly qty: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly pnl: number;
  readonly fees: number;
  readonly exitReason?: string;
  readonly detail?: unknown;
}

export interface PositionRecord {
  readonly symbol: string;
  /** "" for a position that belongs to the portfolio rather than to one strategy. */
  readonly strategyId: string;
  readonly side: "long" | "short";
  readonly qty: number;
  readonly avgPrice: number;
  readonly openedAt: number;
  readonly updatedAt: number;
  /** Attached exits, trailing state … whatever the engine needs to resume the position. */
  readonly detail?: unknown;
}

export class TradesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async insert(trade: TradeRecord): Promise<boolean> {
    const row = await this.#db
      .insertInto("trades")
      .values({
        tradeId: trade.tradeId,
        symbol: trade.symbol,
        strategyId: trade.strategyId ?? null,
        side: trade.side,
        qty: trade.qty,
        entryTime: trade.entryTime,
        entryPrice: trade.entryPrice,
        exitTime: trade.exitTime,
        exitPrice: trade.exitPrice,
        pnl: trade.pnl,
        fees: trade.fees,
        exitReason: trade.exitReason ?? null,
        detail: trade.detail === undefined ? null : toJson(trade.detail),
      })
      .onConflict((oc) => oc.column("tradeId").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Trades by exit time, oldest first. */
  async range(range: TimeRange = {}): Promise<TradeRecord[]> {
    let query = this.#db.selectFrom("trades").selectAll();
    if (range.from !== undefined) query = query.where("exitTime", ">=", range.from);
    if (range.to !== undefined) query = query.where("exitTime", "<=", range.to);
    const rows = await query.orderBy("exitTime").orderBy("id").execute();
    return rows.map((row) => ({
      tradeId: row.tradeId,
      symbol: row.symbol,
      side: row.side as TradeRecord["side"],
      qty: row.qty,
      entryTime: row.entryTime,
      entryPrice: row.entryPrice,
      exitTime: row.exitTime,
      exitPrice: row.exitPrice,
      pnl: row.pnl,
      fees: row.fees,
      ...(row.strategyId !== null ? { strategyId: row.strategyId } : {}),
      ...(row.exitReason !== null ? { exitReason: row.exitReason } : {}),
      ...(row.detail !== null ? { detail: fromJson(row.detail) } : {}),
    }));
  }
}

export class PositionsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async upsert(position: PositionRecord): Promise<void> {
    const values = {
      side: position.side,
      qty: position.qty,
      avgPrice: position.avgPrice,
      openedAt: position.openedAt,
      updatedAt: position.updatedAt,
      detail: position.detail === undefined ? null : toJson(position.detail),
    };
    await this.#db
      .insertInto("positions")
      .values({ symbol: position.symbol, strategyId: position.strategyId, ...values })
      .onConflict((oc) => oc.columns(["symbol", "strategyId"]).doUpdateSet(values))
      .execute();
  }

  async remove(symbol: string, strategyId: string): Promise<void> {
    await this.#db.deleteFrom("positions").where("symbol", "=", symbol).where("strategyId", "=", strategyId).execute();
  }

  async all(): Promise<PositionRecord[]> {
    const rows = await this.#db.selectFrom("positions").selectAll().orderBy("symbol").orderBy("strategyId").execute();
    return rows.map((row) => ({
      symbol: row.symbol,
      strategyId: row.strategyId,
      side: row.side as PositionRecord["side"],
      qty: row.qty,
      avgPrice: row.avgPrice,
      openedAt: row.openedAt,
      updatedAt: row.updatedAt,
      ...(row.detail !== null ? { detail: fromJson(row.detail) } : {}),
    }));
  }
}
