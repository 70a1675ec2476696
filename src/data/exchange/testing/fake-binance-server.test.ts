import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Candle } from "../../../domain/candles.js";
import { type FakeBinanceServer, startFakeBinanceServer } from "./fake-binance-server.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const candles: Candle[] = Array.from({ length: 1500 }, (_, i) => ({
  time: T0 + i * H,
  open: 100 + i,
  high: 101.5 + i,
  low: 99.25 + i,
  close: 100.5 + i,
  volume: 3.125,
}));

async function get(
  server: FakeBinanceServer,
  path: string,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("fake Binance server", () => {
  let server: FakeBinanceServer;
  beforeEach(async () => {
    server = await startFakeBinanceServer({ candles: { BTCUSDT: { "1h": candles } }, now: () => T0 });
  });
  afterEach(() => server.close());

  it("listens on 127.0.0.1 with an ephemeral port", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers klines in Binance's 12-field array format", async () => {
    const { status, body } = await get(server, `/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${T0}&limit=2`);
    expect(status).toBe(200);
    expect(body).toEqual([
      [
        T0,
        "100.00000000",
        "101.50000000",
        "99.25000000",
        "100.50000000",
        "3.12500000",
        T0 + H - 1,
        "314.06250000",
        23,
        "1.56250000",
        "157.03125000",
        "0",
      ],
      [
        T0 + H,
        "101.00000000",
        "102.50000000",
        "100.25000000",
        "101.50000000",
        "3.12500000",
        T0 + 2 * H - 1,
        "317.18750000",
        23,
        "1.56250000",
        "158.59375000",
        "0",
      ],
    ]);
  });

  it("honours startTime, endTime (inclusive) and limit, defaulting limit to 500", async () => {
    const times = async (query: string): Promise<number[]> =>
      ((await get(server, `/api/v3/klines?symbol=BTCUSDT&interval=1h${query}`)).body as number[][]).map(
        (row) => row[0]!,
      );
    expect(await times(`&startTime=${T0 + 10 * H}&endTime=${T0 + 12 * H}`)).toEqual(
      [10, 11, 12].map((h) => T0 + h * H),
    );
    expect(await times(`&startTime=${T0 + 1 * H + 1}&limit=2`)).toEqual([T0 + 2 * H, T0 + 3 * H]);
    expect(await times(`&startTime=${T0}`)).toHaveLength(500);
    expect(await times(`&startTime=${T0}&limit=1000`)).toHaveLength(1000);
    // Without a start: the latest `limit` bars up to the end.
    expect(await times(`&endTime=${T0 + 4 * H}&limit=2`)).toEqual([T0 + 3 * H, T0 + 4 * H]);
    expect(await times("&limit=1")).toEqual([T0 + 1499 * H]);
    expect(await times(`&startTime=${T0 + 5000 * H}`)).toEqual([]);
  });

  it("rejects what Binance rejects, with Binance's codes", async () => {
    expect(await get(server, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1001")).toMatchObject({
      status: 400,
      body: { code: -1130 },
    });
    expect(await get(server, "/api/v3/klines?symbol=DOGEUSDT&interval=1h")).toMatchObject({
      status: 400,
      body: { code: -1121, msg: "Invalid symbol." },
    });
    expect(await get(server, "/api/v3/klines?symbol=BTCUSDT&interval=7h")).toMatchObject({
      status: 400,
      body: { code: -1120 },
    });
    expect(await get(server, "/api/v3/klines?interval=1h")).toMatchObject({ status: 400, body: { code: -1102 } });
  });

  it("lists spot markets in exchangeInfo, filtered by symbol when asked", async () => {
    const { body } = await get(server, "/api/v3/exchangeInfo");
    const info = body as { serverTime: number; symbols: { symbol: string; status: string }[] };
    expect(info.serverTime).toBe(T0);
    expect(info.symbols.map((s) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    const one = (await get(server, "/api/v3/exchangeInfo?symbol=ETHUSDT")).body as typeof info;
    expect(one.symbols.map((s) => s.symbol)).toEqual(["ETHUSDT"]);
    expect((await get(server, "/api/v3/time")).body).toEqual({ serverTime: T0 });
  });

  it("serves candles replaced with setCandles", async () => {
    server.setCandles("ETHUSDT", "1h", candles.slice(0, 3));
    const { body } = await get(server, `/api/v3/klines?symbol=ETHUSDT&interval=1h&startTime=${T0}`);
    expect(body).toHaveLength(3);
  });

  it("answers a scripted 429 with Retry-After and Binance's -1003 body, then recovers", async () => {
    server.failNext({ kind: "rate-limit", retryAfterSeconds: 3 }, { path: "/api/v3/klines" });
    const limited = await get(server, "/api/v3/klines?symbol=BTCUSDT&interval=1h");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.body).toMatchObject({ code: -1003 });
    expect((await get(server, "/api/v3/klines?symbol=BTCUSDT&interval=1h")).status).toBe(200);
  });

  it("fails the Nth matching request only, and only on the scripted path", async () => {
    server.failNext({ kind: "server-error", status: 503 }, { path: "/api/v3/klines", skip: 1, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await fetch(`${server.url}/api/v3/time`);
      const response = await fetch(`${server.url}/api/v3/klines?symbol=BTCUSDT&interval=1h`);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(server.requests.filter((r) => r.path === "/api/v3/time").every((r) => r.status === 200)).toBe(true);
  });

  it("drops the connection when scripted to", async () => {
    server.failNext({ kind: "drop-connection" });
    await expect(fetch(`${server.url}/api/v3/ping`)).rejects.toThrow();
    expect((await get(server, "/api/v3/ping")).status).toBe(200);
  });

  it("records each request with its decoded query and status", async () => {
    await get(server, `/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${T0}&limit=5`);
    await get(server, "/nowhere");
    expect(server.klineRequests()).toEqual([
      {
        method: "GET",
        path: "/api/v3/klines",
        query: { symbol: "BTCUSDT", interval: "1h", startTime: String(T0), limit: "5" },
        apiKey: undefined,
        status: 200,
      },
    ]);
    expect(server.requests.at(-1)).toMatchObject({ path: "/nowhere", status: 404 });
    server.clearRequests();
    expect(server.requests).toEqual([]);
  });
});
