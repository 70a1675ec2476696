import { type Db, fromJson, type TimeRange, toJson } from "./shared.js";

export interface EquitySnapshot {
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
  readonly positionsValue: number;
  readonly detail?: unknown;
}

export class EquityRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** One snapshot per instant: a second one at the same time (a replay) is ignored and resolves to false. */
  async insert(snapshot: EquitySnapshot): Promise<boolean> {
    const row = await this.#db
      .insertInto("equitySnapshots")
      .values({
        time: snapshot.time,
        equity: snapshot.equity,
        cash: snapshot.cash,
        positionsValue: snapshot.positionsValue,
        detail: snapshot.detail === undefined ? null : toJson(snapshot.detail),
      })
      .onConflict((oc) => oc.column("time").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row !== undefined;
  }

  async range(range: TimeRange = {}): Promise<EquitySnapshot[]> {
    let query = this.#db.selectFrom("equitySnapshots").selectAll();
    if (range.from !== undefined) query = query.where("time", ">=", range.from);
    if (range.to !== undefined) query = query.where("time", "<=", range.to);
    const rows = await query.orderBy("time").execute();
    return rows.map((row) => ({
      time: row.time,
      equity: row.equity,
      cash: row.cash,
      positionsValue: row.positionsValue,
      ...(row.detail !== null ? { detail: fromJson(row.detail) } : {}),
    }));
  }

  async latest(): Promise<EquitySnapshot | undefined> {
    const row = await this.#db.selectFrom("equitySnapshots").selectAll().orderBy("time", "desc").executeTakeFirst();
    return row && { time: row.time, equity: row.equity, cash: row.cash, positionsValue: row.positionsValue };
  }
}
