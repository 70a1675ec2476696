import { afterEach, describe, expect, test, vi } from "vitest";
import { simulateMarket } from "../../data/simulated/index.js";
import { MarketTape } from "./market-tape.js";
import { type SimExchange, startSimExchange } from "./sim-exchange.js";

const START = Date.UTC(2024, 0, 1);

describe("market tape", () => {
  const tape = new MarketTape({
    symbol: "BTC/USDT",
    startPrice: 30_000,
    seed: 7,
    bars: 200,
    startTime: START,
    tickSize: 0.01,
  });
  const reference = simulateMarket({
    symbol: "BTC/USDT",
    seed: 7,
    bars: 200,
    timeframe: "1m",
    startTime: START,
    startPrice: 30_000,
    tickSize: 0.01,
  }).series;

  test("closed minute bars are the simulated market's bars exactly", () => {
    const bars = tape.candles(60_000, START + 200 * 60_000, START, START + 199 * 60_000);
    expect(bars).toHaveLength(200);
    for (let i = 0; i < 200; i++) {
      expect(bars[i]).toEqual({
        time: reference.time[i],
        open: reference.open[i],
        high: reference.high[i],
        low: reference.low[i],
        close: reference.close[i],
        volume: reference.volume[i],
      });
    }
  });

  test("a forming bar never reveals its future: its high and low stay within what traded so far", () => {
    const i = 50;
    const open = START + i * 60_000;
    const forming = tape.candleAt(i, open + 25_000);
    expect(forming.open).toBe(reference.open[i]);
    expect(forming.high).toBeLessThanOrEqual(reference.high[i]!);
    expect(forming.low).toBeGreaterThanOrEqual(reference.low[i]!);
    expect(forming.close).toBe(tape.priceAt(open + 25_000));
    expect(tape.priceAt(open + 59_999)).toBeCloseTo(reference.close[i]!, 1);
  });

  test("hour bars aggregate the minute bars", () => {
    const [hour] = tape.candles(3_600_000, START + 200 * 60_000, START, START);
    expect(hour?.open).toBe(reference.open[0]);
    expect(hour?.close).toBe(reference.close[59]);
    expect(hour?.high).toBe(Math.max(...reference.high.slice(0, 60)));
  });
});

describe("simulated exchange server", () => {
  let sim: SimExchange | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await sim?.close();
    sim = undefined;
  });

  test("klines have history at start and the latest bar is the one forming now", async () => {
    sim = await startSimExchange({ clock: "manual", historyBars: 300, startTime: START });
    const response = await fetch(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000`);
    const rows = (await response.json()) as unknown[][];
    expect(rows).toHaveLength(301);
    expect(rows[0]?.[0]).toBe(START);
    expect(rows[300]?.[0]).toBe(sim.now());
  });

  test("speed 60 runs one minute of market per wall second", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    sim = await startSimExchange({ clock: "realtime", speed: 60 });
    const before = sim.now();
    vi.advanceTimersByTime(1_000);
    expect(sim.now() - before).toBe(60_000);
  });

  test("manual clock: market time moves only through advance, in ticks, and stops at the end of the data", async () => {
    sim = await startSimExchange({ clock: "manual", bars: 1_100, historyBars: 1_000 });
    const start = sim.now();
    sim.advance(2_500);
    expect(sim.now()).toBe(start + 2_500);
    sim.advance(10 * 60 * 60_000);
    expect(sim.now()).toBe(START + 1_100 * 60_000 - 1);
  });

  test("private endpoints need a known API key: none gives -2014, a wrong one -2015", async () => {
    sim = await startSimExchange({ clock: "manual" });
    const none = await fetch(`${sim.url}/api/v3/account`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ code: -2014, msg: "API-key format invalid." });
    const wrong = await fetch(`${sim.url}/fapi/v3/account`, { headers: { "X-MBX-APIKEY": "nobody" } });
    expect(await wrong.json()).toMatchObject({ code: -2015 });
  });

  test("bad options are refused with a message naming the option", async () => {
    await expect(startSimExchange({ speed: 0 })).rejects.toThrow(/speed must be > 0/);
    await expect(startSimExchange({ bars: 100, historyBars: 100 })).rejects.toThrow(/historyBars/);
    await expect(startSimExchange({ markets: [] })).rejects.toThrow(/at least one pair/);
  });

  test("a client order id is accepted once per account: a second order with it is refused as a duplicate", async () => {
    sim = await startSimExchange({ clock: "manual" });
    const post = () =>
      fetch(`${sim!.url}/api/v3/order`, {
        method: "POST",
        headers: { "X-MBX-APIKEY": "sim-key", "Content-Type": "application/x-www-form-urlencoded" },
        body: "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=once",
      });
    expect((await post()).status).toBe(200);
    const second = await post();
    expect(await second.json()).toEqual({ code: -2010, msg: "Duplicate order sent." });
    expect(sim.orders()).toHaveLength(1);
  });
});
