import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "./open-store.js";
import { PostgresStateStore } from "./postgres-state-store.js";
import { ResilientStore, type StoreAlert } from "./resilient-store.js";
import { PostgresCluster, postgresUnavailableReason } from "./testing/postgres-cluster.js";

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

/** The writes of one trading step: an order intent, its fill (reported twice), a decision and an equity point. */
async function writeStep(store: ResilientStore, i: number): Promise<string[]> {
  const id = `O-${i}`;
  const fill = {
    clientOrderId: id,
    venueTradeId: `T-${i}`,
    symbol: "BTC/USDT",
    side: "buy" as const,
    qty: 1,
    price: 100 + i,
    fee: 0.1,
    time: T0 + i * MINUTE,
  };
  return Promise.all([
    store.write("orders.insertIntent", {
      clientOrderId: id,
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      qty: 1,
      intentTime: T0 + i * MINUTE,
    }),
    store.write("fills.insert", fill),
    store.write("fills.insert", fill),
    store.write("orders.update", id, { status: "filled", venueOrderId: `V-${i}`, time: T0 + i * MINUTE }),
    store.write("decisions.insert", {
      time: T0 + i * MINUTE,
      symbol: "BTC/USDT",
      strategyId: "s",
      action: "buy",
      outcome: "executed",
      votes: [i],
      verdicts: [],
    }),
    store.write("equity.insert", { time: T0 + i * MINUTE, equity: 10_000 + i, cash: 0, positionsValue: 10_000 + i }),
    store.write("events.append", { time: T0 + i * MINUTE, kind: "step", source: "engine", detail: { i } }),
  ]);
}

describe.skipIf(postgresUnavailableReason() !== undefined)("ResilientStore with PostgreSQL going away", () => {
  let cluster: PostgresCluster;
  let dir: string;
  beforeAll(async () => {
    cluster = await PostgresCluster.start();
    dir = mkdtempSync(join(tmpdir(), "aegis-spool-"));
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("spools while PostgreSQL is down, blocks entries, and loses nothing after it restarts", async () => {
    const store = await openStore(await cluster.createDatabase(), { connectTimeoutMs: 1_000 });
    const alerts: StoreAlert[] = [];
    const spoolPath = join(dir, "spool.jsonl");
    const resilient = new ResilientStore(store, spoolPath, { onAlert: (a) => alerts.push(a) });
    try {
      const latches = await PostgresStateStore.load(store, { writer: resilient });
      for (let i = 0; i < 20; i++) expect(new Set(await writeStep(resilient, i))).toEqual(new Set(["written"]));
      expect(resilient.healthy).toBe(true);

      await cluster.stop("immediate");
      for (let i = 20; i < 40; i++) expect(new Set(await writeStep(resilient, i))).toEqual(new Set(["spooled"]));
      latches.set("kill-switch", '{"rule":"max-drawdown"}');
      await latches.flush();
      expect(latches.get("kill-switch")).toBe('{"rule":"max-drawdown"}');
      expect(resilient.healthy).toBe(false);
      expect(resilient.pending).toBe(20 * 7 + 1);
      expect(alerts.map((a) => a.kind)).toEqual(["store.unavailable"]);
      expect(readFileSync(spoolPath, "utf8").trim().split("\n")).toHaveLength(141);
      expect(await resilient.flush()).toBe(false);

      // The process restarts while PostgreSQL is still down: the new wrapper finds the spool and stays unhealthy.
      await resilient.close();
      const restarted = new ResilientStore(store, spoolPath, { onAlert: (a) => alerts.push(a) });
      expect(restarted.healthy).toBe(false);
      for (let i = 40; i < 50; i++) expect(new Set(await writeStep(restarted, i))).toEqual(new Set(["spooled"]));

      await cluster.start();
      expect(await restarted.flush()).toBe(true);
      expect(restarted.healthy).toBe(true);
      expect(alerts.at(-1)?.kind).toBe("store.recovered");
      for (let i = 50; i < 60; i++) expect(new Set(await writeStep(restarted, i))).toEqual(new Set(["written"]));
      await restarted.close();

      const orders = await store.orders.range();
      expect(orders).toHaveLength(60);
      expect(orders.every((o) => o.status === "filled" && o.filledQty === 1)).toBe(true);
      expect(orders.map((o) => o.clientOrderId)).toEqual(Array.from({ length: 60 }, (_, i) => `O-${i}`));
      expect(await store.fills.range()).toHaveLength(60);
      expect(await store.decisions.range()).toHaveLength(60);
      expect((await store.equity.range()).map((e) => e.equity)).toEqual(
        Array.from({ length: 60 }, (_, i) => 10_000 + i),
      );
      expect((await store.events.list()).map((e) => e.detail.i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(await store.latches.get("kill-switch")).toBe('{"rule":"max-drawdown"}');
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe("ResilientStore with a full SQLite disk", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-spool-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("spools on SQLITE_FULL and replays once there is room again", async () => {
    const store = await openStore(join(dir, "store.sqlite"));
    const alerts: StoreAlert[] = [];
    const resilient = new ResilientStore(store, join(dir, "spool.jsonl"), { onAlert: (a) => alerts.push(a) });
    try {
      const pages = Number(store.sqlite?.pragma("page_count", { simple: true }));
      store.sqlite?.pragma(`max_page_count = ${pages}`);
      const big = { blob: "x".repeat(20_000) };
      const outcome = await resilient.write("events.append", { time: T0, kind: "big", source: "test", detail: big });
      expect(outcome).toBe("spooled");
      expect(alerts[0]?.error?.message).toMatch(/full/);
      expect(await resilient.write("equity.insert", { time: T0, equity: 1, cash: 1, positionsValue: 0 })).toBe(
        "spooled",
      );
      expect(resilient.healthy).toBe(false);
      expect(await resilient.flush()).toBe(false);

      store.sqlite?.pragma("max_page_count = 1073741823");
      expect(await resilient.flush()).toBe(true);
      expect((await store.events.list())[0]?.detail).toEqual(big);
      expect(await store.equity.range()).toHaveLength(1);
    } finally {
      await resilient.close();
      await store.close();
    }
  });

  it("rejects, without spooling, a write that is wrong rather than unwritable", async () => {
    const store = await openStore(join(dir, "wrong.sqlite"));
    const resilient = new ResilientStore(store, join(dir, "wrong.jsonl"));
    try {
      await expect(resilient.write("orders.update", "unknown", { status: "filled", time: T0 })).rejects.toThrow(
        "no order with client order id unknown",
      );
      expect(resilient.healthy).toBe(true);
    } finally {
      await resilient.close();
      await store.close();
    }
  });
});
