import { sql } from "kysely";
import type { Db } from "./shared.js";

/**
 * Reserves `count` consecutive values of the named sequence and resolves to the first. One atomic upsert, so two
 * processes (or a restart) never get the same value: client order ids built from it are unique across restarts.
 */
export async function nextSequence(db: Db, name: string, count = 1): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`sequence ${name}: count must be a positive integer`);
  const row = await db
    .insertInto("sequences")
    .values({ name, value: count })
    .onConflict((oc) => oc.column("name").doUpdateSet({ value: sql<number>`sequences.value + ${count}` }))
    .returning("value")
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}
