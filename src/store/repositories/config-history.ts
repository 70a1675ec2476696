import { type Db, fromJson, inTransaction, toJson } from "./shared.js";

export interface ConfigChange {
  readonly id: number;
  readonly key: string;
  /** undefined when the key did not exist before. */
  readonly oldValue?: unknown;
  /** undefined when the change removed the key. */
  readonly newValue?: unknown;
  readonly by: string;
  readonly reason: string;
  readonly time: number;
}

/** Configuration values with their full change history: who, when, old, new, why. */
export class ConfigRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = await this.#db.selectFrom("configEntries").select("value").where("key", "=", key).executeTakeFirst();
    return row && fromJson(row.value);
  }

  /** Sets `key` to `value` and records the change, in one transaction; resolves to the change. */
  async record(key: string, value: unknown, by: string, reason: string, time: number): Promise<ConfigChange> {
    if (by.trim() === "") throw new Error("a configuration change needs the name of who made it");
    return inTransaction(this.#db, (trx) => write(trx, key, value, by, reason, time));
  }

  /** Changes of `key` (or of every key), oldest first. */
  async history(key?: string): Promise<ConfigChange[]> {
    let query = this.#db.selectFrom("configChanges").selectAll();
    if (key !== undefined) query = query.where("key", "=", key);
    const rows = await query.orderBy("id").execute();
    return rows.map((row) => ({
      id: row.id,
      key: row.key,
      by: row.by,
      reason: row.reason,
      time: row.time,
      ...(row.oldValue !== null ? { oldValue: fromJson(row.oldValue) } : {}),
      ...(row.newValue !== null ? { newValue: fromJson(row.newValue) } : {}),
    }));
  }

  /**
   * Puts a key back to the value it had before change `changeId`; the rollback is itself a recorded change.
   * A key that did not exist before that change is removed.
   */
  rollback(changeId: number, by: string, time: number): Promise<ConfigChange> {
    return inTransaction(this.#db, async (trx) => {
      const change = await trx.selectFrom("configChanges").selectAll().where("id", "=", changeId).executeTakeFirst();
      if (change === undefined) throw new Error(`no configuration change with id ${changeId}`);
      const reason = `rollback of change ${changeId}`;
      return write(trx, change.key, change.oldValue === null ? undefined : fromJson(change.oldValue), by, reason, time);
    });
  }
}

async function write(trx: Db, key: string, value: unknown, by: string, reason: string, time: number) {
  const before = await trx.selectFrom("configEntries").select("value").where("key", "=", key).executeTakeFirst();
  const newValue = value === undefined ? null : toJson(value);
  if (newValue === null) await trx.deleteFrom("configEntries").where("key", "=", key).execute();
  else {
    await trx
      .insertInto("configEntries")
      .values({ key, value: newValue, updatedBy: by, updatedAt: time })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: newValue, updatedBy: by, updatedAt: time }))
      .execute();
  }
  const row = await trx
    .insertInto("configChanges")
    .values({ key, oldValue: before?.value ?? null, newValue, by, reason, time })
    .returning("id")
    .executeTakeFirstOrThrow();
  const change: ConfigChange = {
    id: row.id,
    key,
    by,
    reason,
    time,
    ...(before !== undefined ? { oldValue: fromJson(before.value) } : {}),
    ...(value !== undefined ? { newValue: value } : {}),
  };
  return change;
}
