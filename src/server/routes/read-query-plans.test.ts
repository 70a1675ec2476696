import type { Compilable } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../store/store.js";
import { storeBackends } from "../../store/testing/store-backends.js";
import { decisionsQuery } from "./read-decisions.js";
import { equityBucketsQuery, equityPageQuery } from "./read-equity.js";
import { tradesQuery } from "./read-portfolio.js";
import { latestVerdictsQuery } from "./read-shield.js";

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const detail = JSON.stringify({ session: "s1" });

/** Two sessions' decisions, trades and equity: enough rows that a plan which sorts them would show it. */
async function fill(store: Store) {
  for (const session of ["s1", "s2"])
    await store.decisions.insertMany(
      Array.from({ length: 60 }, (_, k) => ({
        decisionKey: `${session}|sma|BTC/USDT|${k}`,
        time: T0 + k * MIN,
        symbol: k % 2 ? "BTC/USDT" : "ETH/USDT",
        strategyId: "sma",
        action: "buy",
        outcome: "orders-sent",
        votes: [],
        verdicts: k % 3 ? [{ order: "o", approved: true, quantity: 1, verdicts: [] }] : [],
      })),
    );
  for (let k = 0; k < 40; k++) {
    await store.trades.insert({
      tradeId: `t${k}`,
      symbol: "BTC/USDT",
      strategyId: k % 2 ? "s1" : "s2",
      side: "long",
      qty: 1,
      entryTime: T0 + k * MIN,
      entryPrice: 100,
      exitTime: T0 + (k + 1) * MIN,
      exitPrice: 101,
      pnl: 1,
      fees: 0.1,
    });
  }
  // s1's curve: up to 1 200 at k = 50, then down; one snapshot a minute for 100 minutes.
  for (let k = 0; k < 100; k++)
    await store.db
      .insertInto("equitySnapshots")
      .values({
        time: T0 + k * MIN,
        equity: 1000 + (k <= 50 ? 4 * k : 200 - 3 * (k - 50)),
        cash: 500,
        positionsValue: 0,
        detail,
      })
      .execute();
}

describe.each(storeBackends())("the API's read queries on $name", (backend) => {
  const suite = backend.skipReason ? describe.skip : describe;
  if (backend.skipReason) console.warn(`read query plans on ${backend.name} skipped: ${backend.skipReason}`);

  suite(backend.skipReason ? `skipped: ${backend.skipReason}` : "plans and answers", () => {
    let store: Store;
    beforeAll(async () => {
      await backend.setup();
      store = await backend.open();
      await fill(store);
    }, 60_000);
    afterAll(() => backend.teardown(), 60_000);

    /** SQLite's plan, one detail line per step; empty on PostgreSQL, where only the answers are checked. */
    const plan = (query: Compilable): string[] => {
      if (store.sqlite === undefined) return [];
      const compiled = query.compile();
      const rows = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...compiled.parameters) as {
        detail: string;
      }[];
      return rows.map((r) => r.detail);
    };
    const expectIndexedOrder = (query: Compilable, index: RegExp) => {
      const steps = plan(query);
      if (store.sqlite === undefined) return;
      expect(steps.join(" | ")).not.toMatch(/TEMP B-TREE/);
      expect(steps.join(" | ")).toMatch(index);
    };

    it("a page of one session's decisions walks the time index, newest first, without sorting", async () => {
      const query = decisionsQuery(store.db, "s1|", { symbol: "BTC/USDT" }).limit(5);
      expectIndexedOrder(query, /USING INDEX decisions_time/);
      const rows = await query.execute();
      expect(rows.map((r) => r.decisionKey)).toEqual([59, 57, 55, 53, 51].map((k) => `s1|sma|BTC/USDT|${k}`));
    });

    it("the layer filter is exact and paged by the database: only decisions where that layer did not simply allow", async () => {
      // Session s3: every decision mentions "kelly"; it scaled every third one, and "max-drawdown" denied k = 4.
      const verdict = (layer: string, v: string) => ({ layer, verdict: v, reason: `${layer} ${v}` });
      await store.decisions.insertMany(
        Array.from({ length: 30 }, (_, k) => ({
          decisionKey: `s3|sma|BTC/USDT|${k}`,
          time: T0 + k * MIN,
          symbol: "BTC/USDT",
          strategyId: "sma",
          action: "buy",
          outcome: "orders-sent",
          votes: [],
          verdicts: [
            {
              order: "o",
              approved: k !== 4,
              quantity: 1,
              verdicts: [
                verdict("kelly", k % 3 === 0 ? "scale" : "allow"),
                verdict("max-drawdown", k === 4 ? "deny" : "allow"),
              ],
            },
          ],
        })),
      );
      const page = async (layer: string, offset: number, limit: number) =>
        (await decisionsQuery(store.db, "s3|", { layer }).limit(limit).offset(offset).execute()).map((r) =>
          Number(r.decisionKey.split("|")[3]),
        );
      expect(await page("kelly", 0, 4)).toEqual([27, 24, 21, 18]);
      expect(await page("kelly", 4, 4)).toEqual([15, 12, 9, 6]);
      expect(await page("kelly", 8, 4)).toEqual([3, 0]);
      expect(await page("max-drawdown", 0, 10)).toEqual([4]);
      // A layer named only in other layers' reasons, and one no decision has.
      expect(await page("drawdown", 0, 10)).toEqual([]);
      expect(await page("stop-loss", 0, 10)).toEqual([]);
    });

    it("the shield's recent verdicts of one session walk the time index without sorting", async () => {
      const query = latestVerdictsQuery(store.db, "s2|");
      expectIndexedOrder(query, /USING INDEX decisions_time/);
      const rows = await query.execute();
      expect(rows.length).toBe(40);
      expect(Number(rows[0]?.time)).toBe(T0 + 59 * MIN);
    });

    it("a page of one session's trades uses the owner/exit-time index without sorting", async () => {
      const query = tradesQuery(store.db, "s1", undefined).limit(3);
      expectIndexedOrder(query, /USING INDEX trades_owner_exit/);
      expect((await query.execute()).map((r) => r.tradeId)).toEqual(["t39", "t37", "t35"]);
    });

    it("an equity page reads the time index backwards from the cursor", async () => {
      const query = equityPageQuery(store.db, { detail, from: undefined, to: undefined, before: T0 + 10 * MIN }, 3);
      expectIndexedOrder(query, /USING INDEX sqlite_autoindex_equity_snapshots_1/);
      expect((await query.execute()).map((r) => Number(r.time))).toEqual([9, 8, 7].map((k) => T0 + k * MIN));
    });

    it("the downsampled equity keeps each bucket's last snapshot and its highest equity", async () => {
      const rows = await equityBucketsQuery(
        store.db,
        { detail, from: undefined, to: undefined },
        T0,
        10 * MIN,
      ).execute();
      expect(rows.map((r) => Number(r.time))).toEqual(Array.from({ length: 10 }, (_, b) => T0 + (10 * b + 9) * MIN));
      // Bucket 5 holds k = 50..59: its last snapshot is at k = 59 (1 173), its peak at k = 50 (1 200).
      expect(Number(rows[5]?.equity)).toBe(1173);
      expect(Number(rows[5]?.peak)).toBe(1200);
    });
  });
});
