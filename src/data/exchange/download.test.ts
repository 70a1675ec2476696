import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Candle } from "../../domain/candles.js";
import { CandleStore } from "../store/candle-store.js";
import { createCcxtExchange } from "./ccxt-exchange.js";
import { type DownloadCandlesOptions, DownloadError, downloadCandles } from "./download.js";
import { type FakeBinanceServer, startFakeBinanceServer } from "./testing/fake-binance-server.js";
import { btcUsdt1hFile, readCandleCsvGz } from "./testing/shared-candles.js";

const H = 3_600_000;
const realRows = readCandleCsvGz(btcUsdt1hFile);

/** Hourly bars with ≤ 8 decimals (so they survive Binance's 8-decimal strings exactly), deterministic. */
function generated(n: number, start = Date.UTC(2021, 0, 1)): Candle[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 30_000 + ((i * 37) % 500);
    return { time: start + i * H, open, high: open + 12.5, low: open - 7.25, close: open + 3.5, volume: 1 + (i % 9) };
  });
}

interface Harness {
  server: FakeBinanceServer;
  store: CandleStore;
  waits: number[];
  now: number;
  download(overrides?: Partial<DownloadCandlesOptions>): ReturnType<typeof downloadCandles>;
}

/** A fake Binance serving `rows` as BTCUSDT 1h, a store in a temp dir, a settable clock and a recording sleep. */
function useHarness(source: () => readonly Candle[] | undefined): () => Harness {
  let harness: Harness | undefined;
  let dir: string;
  beforeEach(async () => {
    const rows = source() ?? [];
    dir = mkdtempSync(join(tmpdir(), "aegis-download-"));
    const server = await startFakeBinanceServer({ candles: { BTCUSDT: { "1h": rows } } });
    const store = new CandleStore(join(dir, "candles.sqlite"));
    const waits: number[] = [];
    const state: Harness = {
      server,
      store,
      waits,
      now: rows.length > 0 ? rows[rows.length - 1]!.time + H : 0,
      download: (overrides = {}) =>
        downloadCandles({
          exchange: "binance",
          apiBaseUrl: server.url,
          symbol: "BTC/USDT",
          timeframe: "1h",
          since: rows[0]?.time ?? 0,
          store,
          clock: () => state.now,
          sleep: async (ms) => void waits.push(ms),
          ...overrides,
        }),
    };
    harness = state;
  });
  afterEach(async () => {
    harness?.store.close();
    await harness?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => harness!;
}

function expectStoreEquals(store: CandleStore, symbol: string, rows: readonly Candle[]): void {
  const series = store.load("binance", symbol, "1h");
  expect(series.length).toBe(rows.length);
  expect(Array.from(series.time)).toEqual(rows.map((c) => c.time));
  expect(Array.from(series.open)).toEqual(rows.map((c) => c.open));
  expect(Array.from(series.high)).toEqual(rows.map((c) => c.high));
  expect(Array.from(series.low)).toEqual(rows.map((c) => c.low));
  expect(Array.from(series.close)).toEqual(rows.map((c) => c.close));
  expect(Array.from(series.volume)).toEqual(rows.map((c) => c.volume));
}

describe.skipIf(realRows === undefined)(`downloadCandles on real BTC/USDT 1h bars (${btcUsdt1hFile})`, () => {
  const rows = (realRows ?? []).slice(0, 3000);
  const h = useHarness(() => rows);

  it("downloads 3000 bars through CCXT in pages of 1000 and stores exactly the source", async () => {
    const { server, store } = h();
    const progress: [number, number, number][] = [];
    const result = await h().download({ onProgress: (...args) => progress.push(args) });

    expect(result).toEqual({
      exchange: "binance",
      symbol: "BTC/USDT",
      timeframe: "1h",
      fetched: 3000,
      stored: 3000,
      from: rows[0]!.time,
      to: rows[2999]!.time,
      resumed: false,
      resumedFrom: undefined,
      pages: 3,
      retries: 0,
    });
    expectStoreEquals(store, "BTC/USDT", rows);
    // Each page starts one hour after the last bar of the previous one (the source has maintenance gaps).
    expect(server.klineRequests().map((r) => r.query)).toEqual(
      [rows[0]!.time, rows[999]!.time + H, rows[1999]!.time + H].map((start) => ({
        symbol: "BTCUSDT",
        interval: "1h",
        startTime: String(start),
        limit: "1000",
      })),
    );
    const expected = (rows[2999]!.time - rows[0]!.time) / H + 1; // bars the range could hold, gaps included
    expect(progress).toEqual([
      [1000, expected, rows[999]!.time],
      [2000, expected, rows[1999]!.time],
      [3000, expected, rows[2999]!.time],
    ]);
    // Binance's markets were loaded from the fake (spot, USDⓈ-M, COIN-M), nothing else besides klines.
    expect(new Set(server.requests.map((r) => r.path))).toEqual(
      new Set(["/api/v3/exchangeInfo", "/fapi/v1/exchangeInfo", "/dapi/v1/exchangeInfo", "/api/v3/klines"]),
    );
  });

  it("resumes after the newest stored bar when the exchange has grown, and fetches nothing when nothing is new", async () => {
    const { server, store } = h();
    server.setCandles("BTCUSDT", "1h", rows.slice(0, 2000));
    h().now = rows[1999]!.time + H;
    expect((await h().download()).stored).toBe(2000);

    server.setCandles("BTCUSDT", "1h", rows);
    h().now = rows[2999]!.time + H;
    server.clearRequests();
    const second = await h().download();
    expect(second).toMatchObject({ stored: 1000, resumed: true, resumedFrom: rows[1999]!.time + H, pages: 1 });
    expect(server.klineRequests().map((r) => Number(r.query["startTime"]))).toEqual([rows[1999]!.time + H]);
    expectStoreEquals(store, "BTC/USDT", rows);

    server.clearRequests();
    const third = await h().download();
    expect(third).toMatchObject({ fetched: 0, stored: 0, resumed: true, pages: 0, from: undefined, to: undefined });
    expect(server.klineRequests()).toEqual([]);
  });

  it("fills history older than the oldest stored bar, then continues after the newest", async () => {
    const { store } = h();
    store.upsert(
      "binance",
      "BTC/USDT",
      "1h",
      rows.slice(1000, 2000).map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume] as const),
    );
    const result = await h().download();
    expect(result).toMatchObject({ stored: 2000, resumed: true, from: rows[0]!.time, to: rows[2999]!.time });
    expectStoreEquals(store, "BTC/USDT", rows);
  });

  it("fetches a window older than the stored bars without calling it a resume", async () => {
    const { store } = h();
    const stored = rows.slice(1000, 2000).map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume] as const);
    store.upsert("binance", "BTC/USDT", "1h", stored);
    const result = await h().download({ until: rows[500]!.time });
    expect(result).toMatchObject({ stored: 500, resumed: false, resumedFrom: undefined, pages: 1 });
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(1500);
  });

  it("drops the bar still forming and stores it on the next run once it has closed", async () => {
    const { server, store } = h();
    server.setCandles("BTCUSDT", "1h", rows.slice(0, 100));
    h().now = rows[99]!.time + 30 * 60_000; // half-way through the last bar
    const first = await h().download();
    expect(first).toMatchObject({ fetched: 100, stored: 99, to: rows[98]!.time, pages: 1 });
    expect(store.lastTime("binance", "BTC/USDT", "1h")).toBe(rows[98]!.time);

    h().now = rows[99]!.time + H;
    const second = await h().download();
    expect(second).toMatchObject({ stored: 1, resumed: true, from: rows[99]!.time });
    expectStoreEquals(store, "BTC/USDT", rows.slice(0, 100));
  });

  it("stops before `until` (exclusive) and continues from there on a later run", async () => {
    const { store } = h();
    const first = await h().download({ until: rows[1500]!.time });
    expect(first).toMatchObject({ stored: 1500, to: rows[1499]!.time, pages: 2 });
    expect(store.lastTime("binance", "BTC/USDT", "1h")).toBe(rows[1499]!.time);
    const second = await h().download();
    expect(second).toMatchObject({ stored: 1500, resumed: true, from: rows[1500]!.time });
    expectStoreEquals(store, "BTC/USDT", rows);
  });

  it("retries 429 (waiting its Retry-After), 500, a dropped connection and 503 without real waiting", async () => {
    const { server, store, waits } = h();
    const klines = "/api/v3/klines";
    server.failNext({ kind: "rate-limit", retryAfterSeconds: 2 }, { path: klines }); // page 1, attempt 1
    server.failNext({ kind: "server-error", status: 500 }, { path: klines, skip: 1 }); // page 2, attempt 1
    server.failNext({ kind: "drop-connection" }, { path: klines }); // page 2, attempt 2
    server.failNext({ kind: "server-error", status: 503 }, { path: klines, skip: 1 }); // page 3, attempt 1
    const result = await h().download();
    expect(result).toMatchObject({ stored: 3000, pages: 3, retries: 4 });
    expect(waits).toEqual([2000, 1000, 2000, 1000]);
    expect(server.klineRequests().map((r) => r.status)).toEqual([429, 200, 500, 0, 200, 503, 200]);
    expectStoreEquals(store, "BTC/USDT", rows);
  });

  it("backs off longer after a 429 without Retry-After", async () => {
    const { server, waits } = h();
    server.failNext({ kind: "rate-limit", retryAfterSeconds: null }, { path: "/api/v3/klines" });
    expect((await h().download()).retries).toBe(1);
    expect(waits).toEqual([10_000]);
  });

  it("retries a failed market load", async () => {
    const { server } = h();
    server.failNext({ kind: "server-error", status: 503 }, { path: "/api/v3/exchangeInfo" });
    const result = await h().download();
    expect(result).toMatchObject({ stored: 3000, retries: 1 });
  });

  it("gives up after 5 attempts naming the request, keeping the pages already stored", async () => {
    const { server, store, waits } = h();
    server.failNext({ kind: "server-error", status: 502 }, { path: "/api/v3/klines", skip: 1, times: 5 });
    const error = await h()
      .download()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).reason).toBe("retries-exhausted");
    expect((error as Error).message).toContain(
      `binance BTC/USDT 1h: fetchOHLCV since ${new Date(rows[999]!.time + H).toISOString()}: still failing after 5 attempts: ExchangeNotAvailable`,
    );
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(1000);

    const retry = await h().download();
    expect(retry).toMatchObject({ stored: 2000, resumed: true });
    expectStoreEquals(store, "BTC/USDT", rows);
  });

  it("fails at once when Binance bans the IP (418) for longer than it is worth waiting", async () => {
    const { server, waits } = h();
    server.failNext({ kind: "rate-limit", status: 418, retryAfterSeconds: 7200 }, { path: "/api/v3/klines" });
    const error = await h()
      .download()
      .catch((e: unknown) => e);
    expect((error as DownloadError).reason).toBe("retries-exhausted");
    expect((error as Error).message).toContain("asks to wait 7200 s");
    expect(waits).toEqual([]);
  });

  it("downloads a USDⓈ-M perpetual through the futures endpoint", async () => {
    const { server, store } = h();
    const result = await h().download({ symbol: "BTC/USDT:USDT", until: rows[500]!.time });
    expect(result).toMatchObject({ stored: 500 });
    expect(server.klineRequests().map((r) => r.path)).toEqual(["/fapi/v1/klines"]);
    expectStoreEquals(store, "BTC/USDT:USDT", rows.slice(0, 500));
  });
});

describe("downloadCandles refusing bad requests and bad answers", () => {
  const rows = generated(2500);
  const h = useHarness(() => rows);

  it("fails fast on Binance's invalid-symbol error, quoting it, without retrying", async () => {
    const { server, waits } = h();
    server.failNext({ kind: "invalid-symbol" }, { path: "/api/v3/klines" });
    const error = await h()
      .download()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).reason).toBe("unknown-symbol");
    expect((error as Error).message).toBe(
      `binance BTC/USDT 1h: fetchOHLCV since ${new Date(rows[0]!.time).toISOString()} failed: ` +
        'BadSymbol: binance {"code":-1121,"msg":"Invalid symbol."}',
    );
    expect(server.klineRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("fails fast on an authentication error with the exchange's own message", async () => {
    const { server } = h();
    const msg = "Invalid API-key, IP, or permissions for action.";
    server.failNext({ kind: "binance-error", status: 401, code: -2015, msg }, { path: "/api/v3/klines" });
    const error = await h()
      .download()
      .catch((e: unknown) => e);
    expect((error as DownloadError).reason).toBe("exchange-rejected");
    expect((error as Error).message).toContain("AuthenticationError");
    expect((error as Error).message).toContain(msg);
    expect(server.klineRequests()).toHaveLength(1);
  });

  it("refuses a symbol the exchange does not list before asking for candles, suggesting the likely one", async () => {
    const { server } = h();
    await expect(h().download({ symbol: "BTCUSDT" })).rejects.toThrow(
      'binance has no market "BTCUSDT" (3 markets loaded); did you mean BTC/USDT, BTC/USDT:USDT?',
    );
    await expect(h().download({ symbol: "DOGE/USDT" })).rejects.toThrow(
      'binance has no market "DOGE/USDT" (3 markets loaded)',
    );
    expect(server.klineRequests()).toEqual([]);
  });

  it("refuses a timeframe Aegis does not know without touching the network", async () => {
    const { server } = h();
    const error = await h()
      .download({ timeframe: "7h" })
      .catch((e: unknown) => e);
    expect((error as DownloadError).reason).toBe("unsupported-timeframe");
    expect((error as Error).message).toContain('unknown timeframe "7h" (Aegis supports 1m, 3m');
    expect(server.requests).toEqual([]);
  });

  it("refuses a timeframe the exchange does not offer, listing those it does", async () => {
    const { server } = h();
    const exchange = await createCcxtExchange("binance", { apiBaseUrl: server.url });
    delete exchange.timeframes["3m"];
    await expect(h().download({ exchange, apiBaseUrl: undefined, timeframe: "3m" })).rejects.toThrow(
      'binance does not offer timeframe "3m" (it offers 1m, 5m, 15m',
    );
  });

  it("refuses an until that is not after since", async () => {
    await expect(h().download({ until: rows[0]!.time })).rejects.toThrow("must be after since");
  });

  it("rejects a page with high below low naming the bar, keeping the earlier pages", async () => {
    const { server, store } = h();
    const bad = rows.map((c) => ({ ...c }));
    bad[1500] = { ...bad[1500]!, high: bad[1500]!.low - 1 };
    server.setCandles("BTCUSDT", "1h", bad);
    const error = await h()
      .download()
      .catch((e: unknown) => e);
    expect((error as DownloadError).reason).toBe("invalid-data");
    const when = bad[1500]!.time;
    expect((error as Error).message).toContain(`bar ${new Date(when).toISOString()} (${when}) has high`);
    expect((error as Error).message).toContain("nothing of it stored");
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(1000);
  });

  it("rejects a page with a NaN price naming the bar", async () => {
    const { server, store } = h();
    const bad = rows.slice(0, 10).map((c) => ({ ...c }));
    bad[4] = { ...bad[4]!, close: Number.NaN };
    server.setCandles("BTCUSDT", "1h", bad);
    await expect(h().download()).rejects.toThrow(
      new RegExp(`bar ${new Date(bad[4]!.time).toISOString()} \\(${bad[4]!.time}\\) has close (NaN|undefined)`),
    );
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(0);
  });

  it("reuses a client passed in, storing under its id", async () => {
    const { server, store } = h();
    const exchange = await createCcxtExchange("binance", { apiBaseUrl: server.url });
    const result = await h().download({ exchange, apiBaseUrl: undefined, until: rows[10]!.time });
    expect(result).toMatchObject({ exchange: "binance", stored: 10 });
    expect(store.count("binance", "BTC/USDT", "1h")).toBe(10);
    await expect(h().download({ exchange })).rejects.toThrow("apply only when the exchange is given by id");
  });
});
