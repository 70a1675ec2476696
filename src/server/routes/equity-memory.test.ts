import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { openStore } from "../../store/index.js";
import { SessionEquity } from "./equity-memory.js";
import { downsampled } from "./read-equity.js";

type Store = Awaited<ReturnType<typeof openStore>>;
const A = JSON.stringify({ session: "a" });
const B = JSON.stringify({ session: "b" });

describe("a session's equity in memory", () => {
  let dir: string;
  let store: Store;
  const random = createRandom("equity-memory");
  let time = Date.UTC(2024, 0, 1);

  /** `n` snapshots of session a (and one of b after each), a minute apart or more (the table holds one per instant). */
  async function write(n: number) {
    const rows = [];
    for (let k = 0; k < n; k++) {
      time += random.next() > 0.1 ? 60_000 : 3 * 60_000;
      const equity = 10_000 + random.next() * 1_000;
      rows.push({ time, equity, cash: equity / 2, positionsValue: equity / 2, detail: A });
      rows.push({ time: time + 1, equity: 1, cash: 1, positionsValue: 0, detail: B });
    }
    await store.db.insertInto("equitySnapshots").values(rows).execute();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-equity-memory-"));
    store = await openStore(join(dir, "aegis.sqlite"));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the SQL's downsampled curve exactly, for every span and size, as snapshots keep arriving", async () => {
    const memory = new SessionEquity();
    for (const batch of [1, 5, 300, 2_000, 7]) {
      await write(batch);
      // Two reads at once must not append the new rows twice.
      await Promise.all([memory.refresh(store.db, A), memory.refresh(store.db, A)]);
      const all = await store.db.selectFrom("equitySnapshots").select("time").where("detail", "=", A).execute();
      expect(memory.length).toBe(all.length);
      const t0 = all[0]?.time as number;
      const t1 = all.at(-1)?.time as number;
      for (const [from, to] of [
        [undefined, undefined],
        [t0 + 3 * 60_000, undefined],
        [undefined, t1 - 30 * 60_000],
        [t0 + 60_000, t0 + 120 * 60_000],
        [t1 + 1, undefined],
      ] as const)
        for (const points of [2, 10, 1000, 5000]) {
          const sql = await downsampled(store.db, { detail: A, from, to }, points);
          expect(memory.downsample(from, to, points), `${batch} ${from} ${to} ${points}`).toEqual(sql);
        }
    }
  });

  it("starts over for another session or another store", async () => {
    const memory = new SessionEquity();
    await memory.refresh(store.db, A);
    const a = memory.length;
    await memory.refresh(store.db, B);
    expect(memory.length).toBe(a);
    expect(memory.downsample(undefined, undefined, 5000).rows.every((r) => r.equity === 1)).toBe(true);
  });
});
