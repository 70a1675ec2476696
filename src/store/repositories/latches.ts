import type { Db } from "./shared.js";

/** Risk latches (kill switch, stability lock, daily counters) as key → serialized value. */
export class LatchesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async get(key: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom("latches").select("value").where("key", "=", key).executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: string, time: number): Promise<void> {
    await this.#db
      .insertInto("latches")
      .values({ key, value, updatedAt: time })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updatedAt: time }))
      .execute();
  }

  async delete(key: string): Promise<void> {
    await this.#db.deleteFrom("latches").where("key", "=", key).execute();
  }

  async all(): Promise<{ key: string; value: string; updatedAt: number }[]> {
    return this.#db.selectFrom("latches").selectAll().orderBy("key").execute();
  }
}
