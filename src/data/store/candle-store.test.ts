import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Candle, seriesFromCandles } from "../../domain/candles.js";
import { CANDLE_STORE_SCHEMA_VERSION, CandleStore, type OhlcvRow } from "./candle-store.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** `n` hourly bars from `start`, prices with at most 2 decimals so they round-trip exactly. */
function bars(n: number, start = T0): OhlcvRow[] {
  return Array.from({ length: n }, (_, i): OhlcvRow => {
    const open = 100 + ((i * 7) % 13);
    return [start + i * HOUR, open, open + 2.5, open - 1.25, open + 0.75, 10 + i];
  });
}

describe("CandleStore", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-candle-store-"));
    path = join(dir, "nested", "candles.sqlite");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the file and its folder in WAL mode at the current schema version", () => {
    const store = new CandleStore(path);
    expect(store.schemaVersion()).toBe(CANDLE_STORE_SCHEMA_VERSION);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'candles'").pluck().get() as string;
    expect(table).toContain("PRIMARY KEY (exchange, symbol, timeframe, time)");
    expect(table).toContain("WITHOUT ROWID");
    db.close();
  });

  it("stores rows that read back identical after reopening the file", () => {
    const rows = bars(50);
    const store = new CandleStore(path);
    expect(store.upsert("binance", "BTC/USDT", "1h", rows)).toBe(50);
    store.close();

    const reopened = new CandleStore(path);
    const series = reopened.load("binance", "BTC/USDT", "1h");
    expect(series.length).toBe(50);
    expect(series.symbol).toBe("BTC/USDT");
    expect(series.timeframe).toBe("1h");
    expect(Array.from(series.time)).toEqual(rows.map((row) => row[0]));
    expect(Array.from(series.open)).toEqual(rows.map((row) => row[1]));
    expect(Array.from(series.high)).toEqual(rows.map((row) => row[2]));
    expect(Array.from(series.low)).toEqual(rows.map((row) => row[3]));
    expect(Array.from(series.close)).toEqual(rows.map((row) => row[4]));
    expect(Array.from(series.volume)).toEqual(rows.map((row) => row[5]));
    reopened.close();
  });

  it("accepts candles and columnar series as well as CCXT rows", () => {
    const store = new CandleStore(path);
    const candles: Candle[] = bars(3).map(([time, open, high, low, close, volume]) => ({
      time,
      open,
      high,
      low,
      close,
      volume,
    }));
    store.upsert("binance", "A/USDT", "1h", candles);
    store.upsert("binance", "B/USDT", "1h", seriesFromCandles("B/USDT", "1h", candles));
    expect(Array.from(store.load("binance", "A/USDT", "1h").close)).toEqual(candles.map((c) => c.close));
    expect(Array.from(store.load("binance", "B/USDT", "1h").close)).toEqual(candles.map((c) => c.close));
    store.close();
  });

  it("replaces a bar with the same open time instead of duplicating it", () => {
    const store = new CandleStore(path);
    store.upsert("binance", "BTC/USDT", "1h", bars(10));
    store.upsert("binance", "BTC/USDT", "1h", [[T0 + 9 * HOUR, 1, 2, 0.5, 1.5, 99]]);
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(10);
    const series = store.load("binance", "BTC/USDT", "1h");
    expect(series.close[9]).toBe(1.5);
    expect(series.volume[9]).toBe(99);
    store.close();
  });

  it("keeps series apart by exchange, symbol and timeframe", () => {
    const store = new CandleStore(path);
    store.upsert("binance", "BTC/USDT", "1h", bars(5));
    store.upsert("binance", "ETH/USDT", "1h", bars(3));
    store.upsert("kraken", "BTC/USDT", "1h", bars(2));
    store.upsert("binance", "BTC/USDT", "4h", bars(1));
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(5);
    expect(store.count("binance", "ETH/USDT", "1h")).toBe(3);
    expect(store.count("kraken", "BTC/USDT", "1h")).toBe(2);
    expect(store.count("binance", "BTC/USDT", "4h")).toBe(1);
    expect(store.list()).toEqual([
      { exchange: "binance", symbol: "BTC/USDT", timeframe: "1h", first: T0, last: T0 + 4 * HOUR, count: 5 },
      { exchange: "binance", symbol: "BTC/USDT", timeframe: "4h", first: T0, last: T0, count: 1 },
      { exchange: "binance", symbol: "ETH/USDT", timeframe: "1h", first: T0, last: T0 + 2 * HOUR, count: 3 },
      { exchange: "kraken", symbol: "BTC/USDT", timeframe: "1h", first: T0, last: T0 + HOUR, count: 2 },
    ]);
    store.close();
  });

  it("reports first and last bar time, undefined when nothing is stored", () => {
    const store = new CandleStore(path);
    expect(store.lastTime("binance", "BTC/USDT", "1h")).toBeUndefined();
    expect(store.firstTime("binance", "BTC/USDT", "1h")).toBeUndefined();
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(0);
    // Out of order on purpose: first/last come from the data, not from insertion order.
    store.upsert("binance", "BTC/USDT", "1h", [...bars(5, T0 + 10 * HOUR), ...bars(3)]);
    expect(store.firstTime("binance", "BTC/USDT", "1h")).toBe(T0);
    expect(store.lastTime("binance", "BTC/USDT", "1h")).toBe(T0 + 14 * HOUR);
    store.close();
  });

  it("loads an inclusive time range in ascending order, and an empty series when nothing matches", () => {
    const store = new CandleStore(path);
    store.upsert("binance", "BTC/USDT", "1h", bars(24).reverse());
    const range = store.load("binance", "BTC/USDT", "1h", { from: T0 + 5 * HOUR, to: T0 + 8 * HOUR });
    expect(Array.from(range.time)).toEqual([5, 6, 7, 8].map((h) => T0 + h * HOUR));
    expect(store.count("binance", "BTC/USDT", "1h", { from: T0 + 5 * HOUR, to: T0 + 8 * HOUR })).toBe(4);
    expect(store.load("binance", "BTC/USDT", "1h", { from: T0 + 20 * HOUR }).length).toBe(4);
    expect(store.load("binance", "BTC/USDT", "1h", { to: T0 }).length).toBe(1);
    const none = store.load("binance", "SOL/USDT", "1h");
    expect(none.length).toBe(0);
    expect(none.time.length).toBe(0);
    store.close();
  });

  it("rejects a batch with a NaN value naming the bar and writes nothing of it", () => {
    const store = new CandleStore(path);
    const rows = bars(5);
    rows[3] = [T0 + 3 * HOUR, 100, Number.NaN, 99, 100, 1];
    expect(() => store.upsert("binance", "BTC/USDT", "1h", rows)).toThrow(
      `binance BTC/USDT 1h row 3 (time ${T0 + 3 * HOUR})`,
    );
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(0);
    store.close();
  });

  it("rejects a fractional bar time and an unknown timeframe", () => {
    const store = new CandleStore(path);
    expect(() => store.upsert("binance", "BTC/USDT", "1h", [[T0 + 0.5, 1, 1, 1, 1, 1]])).toThrow("row 0");
    expect(() => store.upsert("binance", "BTC/USDT", "7h", bars(1))).toThrow('unknown timeframe "7h"');
    store.close();
  });

  it("refuses a file written by a newer schema version", () => {
    new CandleStore(path).close();
    const db = new Database(path);
    db.prepare("INSERT INTO candle_store_schema (version, applied_at) VALUES (?, ?)").run(
      CANDLE_STORE_SCHEMA_VERSION + 1,
      0,
    );
    db.close();
    expect(() => new CandleStore(path)).toThrow(`schema version ${CANDLE_STORE_SCHEMA_VERSION + 1}, newer than`);
  });

  it("sees rows written by another connection to the same file", () => {
    const writer = new CandleStore(path);
    const reader = new CandleStore(path);
    writer.upsert("binance", "BTC/USDT", "1h", bars(7));
    expect(reader.lastTime("binance", "BTC/USDT", "1h")).toBe(T0 + 6 * HOUR);
    expect(reader.load("binance", "BTC/USDT", "1h").length).toBe(7);
    writer.close();
    reader.close();
  });
});
