import { afterEach, beforeEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { type SimExchange, startSimExchange } from "./sim-exchange.js";

let sim: SimExchange;
beforeEach(async () => {
  sim = await startSimExchange({ clock: "manual" });
});
afterEach(async () => {
  await sim.close();
});

async function get(path: string): Promise<unknown> {
  const response = await fetch(`${sim.url}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** Subscribes a raw WebSocket to `stream` on `path` and returns the next market message after one tick. */
async function nextMessage(path: string, stream: string): Promise<Record<string, unknown>> {
  const socket = new WebSocket(`${sim.wsUrl}${path}`);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const messages: Record<string, unknown>[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  socket.send(JSON.stringify({ method: "SUBSCRIBE", params: [stream], id: 1 }));
  await sim.subscribed(stream);
  sim.advance(1_000);
  const deadline = Date.now() + 10_000;
  while (messages.filter((m) => !("id" in m)).length === 0) {
    if (Date.now() > deadline) throw new Error(`no message on ${stream}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  socket.close();
  return messages.find((m) => !("id" in m)) as Record<string, unknown>;
}

describe("simulated exchange market data in Binance's formats", () => {
  test("spot partial depth <symbol>@depth5@100ms: lastUpdateId, bids, asks, the venue's top five levels", async () => {
    const message = await nextMessage("/stream/ws", "btcusdt@depth5@100ms");
    const book = sim.engine.book("spot", "BTCUSDT", 5);
    expect(Object.keys(message).sort()).toEqual(["asks", "bids", "lastUpdateId"]);
    expect(message["lastUpdateId"]).toBe(sim.now());
    expect(message["bids"]).toEqual(book.bids.map((l) => [String(l.price), String(l.quantity)]));
    expect(message["asks"]).toEqual(book.asks.map((l) => [String(l.price), String(l.quantity)]));
  });

  test("futures partial depth <symbol>@depth10: a depthUpdate event with the whole top ten", async () => {
    const message = await nextMessage("/fapi-ws/public/ws", "btcusdt@depth10");
    const book = sim.engine.book("futures", "BTCUSDT", 10);
    expect(message).toMatchObject({ e: "depthUpdate", E: sim.now(), T: sim.now(), s: "BTCUSDT", u: sim.now() });
    expect(message["pu"]).toBe(sim.now() - 1_000);
    expect(message["b"]).toEqual(book.bids.map((l) => [String(l.price), String(l.quantity)]));
    expect((message["a"] as unknown[]).length).toBe(10);
  });

  test("aggTrade stream and REST aggTrades tell the same trade: same id, price, quantity, time", async () => {
    const event = await nextMessage("/stream/ws", "btcusdt@aggTrade");
    const rows = (await get(`/api/v3/aggTrades?symbol=BTCUSDT&limit=3`)) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    const last = rows.at(-1) as Record<string, unknown>;
    expect(Object.keys(last).sort()).toEqual(["M", "T", "a", "f", "l", "m", "p", "q"]);
    expect(last).toMatchObject({ a: event["a"], p: event["p"], q: event["q"], T: event["T"], m: event["m"] });
    expect(Number(last["p"])).toBe(sim.lastPrice("BTCUSDT"));
    expect(last["T"]).toBe(sim.now());
    expect(rows.map((r) => r["T"])).toEqual([sim.now() - 2_000, sim.now() - 1_000, sim.now()]);
  });

  test("REST trades are priced on the klines: every trade of a closed minute lies within its high and low", async () => {
    sim.advance(120_000);
    const start = Math.floor((sim.now() - 120_000) / 60_000) * 60_000;
    const [kline] = (await get(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${start}&limit=1`)) as string[][];
    const trades = (await get(
      `/api/v3/aggTrades?symbol=BTCUSDT&startTime=${start}&endTime=${start + 59_999}&limit=1000`,
    )) as Record<string, unknown>[];
    expect(trades).toHaveLength(60);
    const prices = trades.map((t) => Number(t["p"]));
    expect(Math.max(...prices)).toBeLessThanOrEqual(Number(kline?.[2]));
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(Number(kline?.[3]));
    expect(prices[0]).toBe(Number(kline?.[1]));
    const recent = (await get("/fapi/v1/trades?symbol=BTCUSDT&limit=2")) as Record<string, unknown>[];
    expect(Object.keys(recent[1] as object).sort()).toEqual(["id", "isBuyerMaker", "price", "qty", "quoteQty", "time"]);
    expect(Number(recent[1]?.["price"])).toBe(sim.lastPrice("BTCUSDT"));
  });
  test("one advance over 90 ticks: every trade printed goes out, then one kline update per candle and one depth diff for the window", async () => {
    const socket = new WebSocket(`${sim.wsUrl}/stream/ws`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const messages: Record<string, unknown>[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
    const streams = ["btcusdt@trade", "btcusdt@kline_1m", "btcusdt@depth@100ms"];
    socket.send(JSON.stringify({ method: "SUBSCRIBE", params: streams, id: 1 }));
    for (const stream of streams) await sim.subscribed(stream);
    const start = sim.now();
    sim.advance(90_000);
    // One socket keeps the order: the depth diff is the last message of the advance.
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m["e"] === "depthUpdate")) {
      if (Date.now() > deadline) throw new Error("no depth diff");
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.close();
    const market = messages.filter((m) => !("id" in m));
    const trades = market.filter((m) => m["e"] === "trade");
    // One trade per tick of 1 s, each at its own time.
    expect(trades.map((t) => t["T"])).toEqual(Array.from({ length: 90 }, (_, i) => start + (i + 1) * 1_000));
    const klines = market.filter((m) => m["e"] === "kline").map((m) => m["k"] as Record<string, unknown>);
    const opens = [...new Set(klines.map((k) => k["t"]))];
    expect(klines).toHaveLength(opens.length);
    expect(klines.at(-1)?.["x"]).toBe(false);
    expect(klines.slice(0, -1).every((k) => k["x"] === true)).toBe(true);
    const depth = market.filter((m) => m["e"] === "depthUpdate");
    expect(depth).toHaveLength(1);
    expect(depth[0]).toMatchObject({ U: start + 1, u: sim.now() });
    expect(market.at(-1)).toBe(depth[0]);
  });
});
