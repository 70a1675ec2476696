import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/index.js";
import type { Store } from "../../store/store.js";
import { latestVerdictsQuery } from "./read-shield.js";
import { RecentDecisions } from "./recent-decisions.js";

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const SIZE = 300;

describe("RecentDecisions: the shield's window kept and topped up equals reading it whole", () => {
  let dir: string;
  let store: Store;
  let n = 0;

  /** Decisions of sessions s1 and s2, a third without verdicts, at the given minutes (any order). */
  async function write(minutes: readonly number[]) {
    await store.decisions.insertMany(
      minutes.map((m) => {
        const k = n++;
        return {
          decisionKey: `${k % 2 ? "s1" : "s2"}|sma|BTC/USDT|${k}`,
          time: T0 + m * MIN,
          symbol: k % 5 ? "BTC/USDT" : "ETH/USDT",
          strategyId: "sma",
          action: "buy",
          outcome: "orders-sent",
          votes: [],
          verdicts: k % 3 ? [{ order: "o", approved: true, quantity: 1, verdicts: [] }] : [],
        };
      }),
    );
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-recent-decisions-"));
    store = await openStore(join(dir, "aegis.sqlite"));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const whole = async (prefix: string | undefined) =>
    (await latestVerdictsQuery(store.db, prefix).execute()).map((r) => ({
      id: Number(r.id),
      time: Number(r.time),
      symbol: r.symbol,
    }));

  it("after each batch of new decisions, late ones (an older time) included, for one session and for all", async () => {
    const windows = [new RecentDecisions(store.db, "s1|", SIZE), new RecentDecisions(store.db, undefined, SIZE)];
    expect(RecentDecisions.fits(store.db)).toBe(true);
    for (const w of windows) expect(await w.read()).toEqual([]);
    await write(Array.from({ length: 1200 }, (_, m) => m));
    for (const w of windows) expect(await w.read()).toEqual(await whole(w.decisionKeyPrefix));
    // New decisions at the end, at the same minute as the newest, and a late one inside the window.
    for (const batch of [
      [1200, 1201, 1202],
      [1202, 1202],
      [1150, 900, 1203],
    ]) {
      await write(batch);
      for (const w of windows) {
        const kept = await w.read();
        expect(kept).toEqual(await whole(w.decisionKeyPrefix));
        expect(kept.length).toBe(SIZE);
      }
    }
  });
});
