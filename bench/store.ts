/**
 * Write throughput of the trading store: decisions and fills per second on SQLite (WAL, synchronous=FULL) and
 * PostgreSQL 15 (a local cluster on 127.0.0.1 with fsync on), one write per commit and 100 writes per transaction
 * (one time step of 100 symbols), plus the ResilientStore path the runtime uses.
 * Run: npm run bench -- store
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/open-store.js";
import type { DecisionInput } from "../src/store/repositories/decisions.js";
import type { FillInput } from "../src/store/repositories/fills.js";
import { ResilientStore } from "../src/store/resilient-store.js";
import type { Store, StoreSession } from "../src/store/store.js";
import { PostgresCluster, postgresUnavailableReason } from "../src/store/testing/postgres-cluster.js";

const T0 = Date.UTC(2024, 0, 1);
const BATCH = 100;

function decision(i: number): DecisionInput {
  return {
    time: T0 + i * 60_000,
    symbol: `SYM${i % BATCH}/USDT`,
    strategyId: "bench",
    action: i % 3 === 0 ? "buy" : "hold",
    outcome: i % 3 === 0 ? "executed" : "hold",
    reason: "rsi 28.4 < 30 and close > sma(200)",
    votes: ["rsi", "macd", "llm"].map((source) => ({
      source,
      action: "buy",
      confidence: 0.61,
      reasons: [`${source} agrees`],
    })),
    verdicts: [
      "kill-switch",
      "stability-lock",
      "daily-loss",
      "max-exposure",
      "correlation",
      "leverage",
      "liquidity",
      "macro",
    ].map((layer) => ({ layer, verdict: "allow", reason: `${layer} within limits` })),
    decisionKey: `bench|${i}`,
  };
}

function fill(i: number): FillInput {
  return {
    clientOrderId: "BENCH-1",
    venueTradeId: `T-${i}`,
    symbol: "BTC/USDT",
    side: "buy",
    qty: 0.001,
    price: 42_000 + (i % 100),
    fee: 0.04,
    time: T0 + i,
  };
}

async function rate(count: number, write: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await write(i);
  return count / ((performance.now() - start) / 1000);
}

async function batched(
  store: Store,
  count: number,
  write: (tx: StoreSession, i: number) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  for (let b = 0; b < count; b += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = b; i < b + BATCH; i++) await write(tx, i);
    });
  }
  return count / ((performance.now() - start) / 1000);
}

async function measure(name: string, store: Store, spoolDir: string, log: (line: string) => void): Promise<string[]> {
  await store.orders.insertIntent({
    clientOrderId: "BENCH-1",
    symbol: "BTC/USDT",
    side: "buy",
    type: "market",
    qty: 1e9,
    intentTime: T0,
  });
  const single = name.startsWith("SQLite") ? 300 : 2_000;
  const many = 10_000;
  let offset = 0;
  const next = () => (offset += 1_000_000);
  const rows: string[] = [];
  const row = (what: string, perSecond: number) => {
    const line = `| ${name} | ${what} | ${Math.round(perSecond).toLocaleString("en-US")} |`;
    log(line);
    rows.push(line);
  };
  let base = next();
  row("decisions, one per commit", await rate(single, (i) => store.decisions.insert(decision(base + i))));
  base = next();
  row("fills, one per commit", await rate(single, (i) => store.fills.insert(fill(base + i))));
  base = next();
  row(
    `decisions, ${BATCH} per transaction`,
    await batched(store, many, (tx, i) => tx.decisions.insert(decision(base + i))),
  );
  base = next();
  const steps = Array.from({ length: many / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => decision(base + b * BATCH + i)),
  );
  row(
    `decisions, ${BATCH} per insertMany`,
    (await rate(steps.length, (b) => store.decisions.insertMany(steps[b] ?? []))) * BATCH,
  );
  base = next();
  row(`fills, ${BATCH} per transaction`, await batched(store, many, (tx, i) => tx.fills.insert(fill(base + i))));
  const resilient = new ResilientStore(store, join(spoolDir, `${name.replace(/\W/g, "")}.jsonl`));
  base = next();
  row(
    "decisions through ResilientStore, one per commit",
    await rate(single, (i) => resilient.write("decisions.insert", decision(base + i))),
  );
  await resilient.close();
  return rows;
}

export async function run(log: (line: string) => void): Promise<string> {
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), "aegis-store-bench-"));
  const rows: string[] = [];
  try {
    const sqlite = await openStore(join(dir, "bench.sqlite"));
    rows.push(...(await measure("SQLite (WAL, synchronous=FULL)", sqlite, dir, log)));
    await sqlite.close();

    const reason = postgresUnavailableReason();
    if (reason !== undefined) rows.push(`| PostgreSQL | skipped: ${reason} | |`);
    else {
      const cluster = await PostgresCluster.start({ fsync: true });
      try {
        const pg = await openStore(await cluster.createDatabase());
        rows.push(...(await measure("PostgreSQL 15 (fsync on, 127.0.0.1)", pg, dir, log)));
        await pg.close();
      } finally {
        await cluster.destroy();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    "## Store write throughput",
    "",
    "Sequential awaited writes from one process (`bench/store.ts`); a decision carries 3 votes and 8 risk verdicts",
    "as JSON; a fill also updates its order's filled quantity and average price in the same transaction. The",
    "figures depend on the disk's fsync latency: one write per commit is bound by it, a transaction per time step",
    "pays it once. PostgreSQL round trips also need the server process scheduled: on a busy machine they slow down",
    `first. Load average (1 min) at the start and the end of this run: ${loadBefore.toFixed(1)} and ${(loadavg()[0] ?? 0).toFixed(1)}.`,
    "",
    "| backend | writes | per second |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
