import type { ContextObservationLog, ContextObservationRecord } from "../../data/context/observation-log.js";
import { type Db, fromJson, orNull, toJson } from "./shared.js";

/** Rows per INSERT: SQLite allows 32 766 bound values, a row binds 5. */
const BATCH = 500;

/**
 * What the context providers saw, with the instant they saw it (table `context_observations`, migration 006). An
 * item already recorded for its source keeps its first `seenAt`: polling a feed again never moves it later or
 * earlier, so a replay sees it from the moment it was first known.
 */
export class ContextObservationsRepository implements ContextObservationLog {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async record(records: readonly ContextObservationRecord[]): Promise<number> {
    let added = 0;
    for (let start = 0; start < records.length; start += BATCH) {
      const rows = records.slice(start, start + BATCH).map((r) => ({
        source: r.source,
        itemKey: r.itemKey,
        seenAt: r.seenAt,
        eventTime: orNull(r.eventTime),
        value: toJson(r.value),
      }));
      const result = await this.#db
        .insertInto("contextObservations")
        .values(rows)
        .onConflict((conflict) => conflict.columns(["source", "itemKey"]).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  async list(source: string, through?: number): Promise<readonly ContextObservationRecord[]> {
    let query = this.#db.selectFrom("contextObservations").selectAll().where("source", "=", source);
    if (through !== undefined) query = query.where("seenAt", "<=", through);
    const rows = await query.orderBy("seenAt").orderBy("id").execute();
    return rows.map((row) => ({
      source: row.source,
      itemKey: row.itemKey,
      seenAt: Number(row.seenAt),
      ...(row.eventTime === null ? {} : { eventTime: Number(row.eventTime) }),
      value: fromJson<unknown>(row.value),
    }));
  }

  async sources(): Promise<readonly string[]> {
    const rows = await this.#db
      .selectFrom("contextObservations")
      .select("source")
      .distinct()
      .orderBy("source")
      .execute();
    return rows.map((row) => row.source);
  }
}
