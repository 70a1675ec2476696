import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { UsageError } from "../usage-error.js";
import { exportCommand } from "./export.js";

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

describe("aegis export", () => {
  let dir: string;
  let path: string;
  const out = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-export-"));
    path = join(dir, "aegis.sqlite");
    const store = await openStore(path);
    for (let i = 0; i < 3; i++) {
      const t = T0 + i * HOUR;
      await store.orders.insertIntent({
        clientOrderId: `O-${i}`,
        symbol: "BTC/USDT",
        side: "buy",
        type: "market",
        qty: 1,
        intentTime: t,
      });
      await store.trades.insert({
        tradeId: `O-${i}`,
        symbol: "BTC/USDT",
        side: "long",
        qty: 1,
        entryTime: t,
        entryPrice: 100,
        exitTime: t + HOUR,
        exitPrice: 101 + i,
        pnl: 1 + i,
        fees: 0.2,
        exitReason: 'stop, "hit"',
      });
      await store.decisions.insert({
        time: t,
        symbol: "BTC/USDT",
        strategyId: "s",
        action: "buy",
        outcome: "executed",
        votes: [{ source: "rsi", confidence: 0.7 }],
        verdicts: [],
      });
      await store.equity.insert({ time: t, equity: 10_000 + i, cash: 5_000, positionsValue: 5_000 + i });
    }
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes trades as CSV with ISO times and quoted text", async () => {
    await exportCommand("trades", { store: path, out: out("trades.csv") }, {});
    const lines = readFileSync(out("trades.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe(
      "tradeId,symbol,strategyId,side,qty,entryTime,entryPrice,exitTime,exitPrice,pnl,fees,exitReason",
    );
    expect(lines[1]).toBe(
      'O-0,BTC/USDT,,long,1,2024-01-01T00:00:00.000Z,100,2024-01-01T01:00:00.000Z,101,1,0.2,"stop, ""hit"""',
    );
    expect(lines).toHaveLength(4);
  });

  it("writes decisions as JSON with their votes, inside --from/--to", async () => {
    await exportCommand(
      "decisions",
      {
        store: `sqlite:${path}`,
        format: "json",
        from: "2024-01-01T01:00",
        to: String(T0 + 2 * HOUR),
        out: out("d.json"),
      },
      {},
    );
    const records = JSON.parse(readFileSync(out("d.json"), "utf8")) as { time: string; votes: unknown[] }[];
    expect(records.map((r) => r.time)).toEqual(["2024-01-01T01:00:00.000Z", "2024-01-01T02:00:00.000Z"]);
    expect(records[0]?.votes).toEqual([{ source: "rsi", confidence: 0.7 }]);
  });

  it("exports orders and equity", async () => {
    await exportCommand("orders", { store: path, out: out("orders.csv") }, {});
    expect(readFileSync(out("orders.csv"), "utf8").split("\n")[1]).toMatch(/^O-0,,BTC\/USDT,buy,market,1,,,intent,0,/);
    await exportCommand("equity", { store: path, format: "json", out: out("equity.json") }, {});
    expect(JSON.parse(readFileSync(out("equity.json"), "utf8"))).toHaveLength(3);
  });

  it("says so when there is nothing to export", async () => {
    await expect(exportCommand("trades", { store: path, from: "2030-01-01" }, {})).rejects.toThrow(
      /no trades in the store .* between 2030-01-01T00:00Z and the end: nothing to export/,
    );
  });

  it("names a store that does not exist, an unknown table and a bad format", async () => {
    const missing = join(dir, "nope.sqlite");
    await expect(exportCommand("trades", { store: missing }, {})).rejects.toThrow(`cannot open the store ${missing}`);
    writeFileSync(out("text.sqlite"), "not a database");
    await expect(exportCommand("trades", { store: out("text.sqlite") }, {})).rejects.toThrow(/not a database/);
    await expect(exportCommand("fills", { store: path }, {})).rejects.toThrow(UsageError);
    await expect(exportCommand("trades", { store: path, format: "xml" }, {})).rejects.toThrow(
      "--format xml: use csv or json",
    );
    await expect(exportCommand("trades", { store: "mysql://x/y" }, {})).rejects.toThrow("unsupported store mysql");
  });

  it("exits with code 2 and a plain message on a bad store path", () => {
    const missing = join(dir, "missing.sqlite");
    const run = spawnSync(process.execPath, aegisArgv(["export", "trades", "--store", missing]), {
      encoding: "utf8",
      cwd: dir,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`aegis: cannot open the store ${missing}`);
    expect(run.stderr).not.toMatch(/at .*\.[jt]s:\d+/);
  }, 30_000);
});
