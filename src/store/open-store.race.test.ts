import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFor } from "./migrations/index.js";
import { openStore } from "./open-store.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-open-race-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("opening a new SQLite store from two places at once", () => {
  it("migrates once: the second opener waits for the first instead of failing on a table it just made", async () => {
    for (let i = 0; i < 5; i++) {
      const path = join(dir, `race-${i}.sqlite`);
      // The bot creating the store while `aegis stop` (or `aegis status`) opens it: their migrations interleave.
      const opened = await Promise.allSettled([openStore(path), openStore(path, { mustExist: true })]);
      expect(opened.map((o) => (o.status === "rejected" ? String(o.reason) : "ok"))).toEqual(["ok", "ok"]);
      const [bot, stop] = opened.map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openStore>>>).value);
      const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(bot!.db);
      expect(applied.rows[0]?.n).toBe(Object.keys(await migrationsFor("sqlite").getMigrations()).length);
      await bot!.close();
      await stop!.close();
    }
  });

  it("opens a store already up to date without taking the write lock", async () => {
    const path = join(dir, "done.sqlite");
    await (await openStore(path)).close();
    const writer = await openStore(path);
    // Another connection holds the write lock (the bot committing a step): a reader still opens at once.
    writer.sqlite!.exec("BEGIN IMMEDIATE");
    const reader = await openStore(path, { mustExist: true });
    writer.sqlite!.exec("COMMIT");
    await reader.close();
    await writer.close();
  });
});
