import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { liveContextConfigSchema } from "../data/context/live-context-config.js";
import { MemoryObservationLog } from "../data/context/observation-log.js";
import { rssDocument, ScriptedHttpServer } from "../data/context/testing.js";
import { ALPACA_SIM_KEY, ALPACA_SIM_SECRET, startAlpacaSim } from "../execution/alpaca-sim/alpaca-sim.js";
import { contextConfigSchema, createContextLayers } from "../risk/context/config.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { CONTEXT_FAILURE_SOURCE, contextMultipliers, TradeContext } from "./trade-context.js";

const T0 = Date.UTC(2024, 2, 1, 12);
const MINUTE = 60_000;
const RSS = "application/rss+xml; charset=utf-8";

/** alternative.me's answer, as its API sends it (numbers as strings, seconds). */
const fng = (value: number, label: string, day: number) =>
  JSON.stringify({
    name: "Fear and Greed Index",
    data: [
      { value: String(value), value_classification: label, timestamp: String(day / 1000), time_until_update: "3600" },
    ],
    metadata: { error: null },
  });

/** Whale Alert's /v1/transactions answer with one BTC transfer to an exchange. */
const whaleAnswer = (amount: number, time: number) =>
  JSON.stringify({
    result: "success",
    cursor: "0-0-0",
    count: 1,
    transactions: [
      {
        blockchain: "bitcoin",
        symbol: "btc",
        id: "1",
        transaction_type: "transfer",
        hash: "h1",
        from: { address: "a", owner_type: "unknown" },
        to: { address: "b", owner: "binance", owner_type: "exchange" },
        timestamp: time / 1000,
        amount,
        amount_usd: amount * 60_000,
        transaction_count: 1,
      },
    ],
  });

let server: ScriptedHttpServer;
let now: number;
let alerts: { level: string; message: string }[];
let log: MemoryObservationLog;

beforeEach(async () => {
  server = await new ScriptedHttpServer().start();
  now = T0;
  alerts = [];
  log = new MemoryObservationLog();
  server.routes.set("/rss", {
    contentType: RSS,
    body: rssDocument([{ title: "Bitcoin rallies as markets cheer strong gains", guid: "n1" }]),
  });
  server.routes.set("/fng/", { body: fng(15, "Extreme Fear", T0 - 12 * 60 * MINUTE) });
  server.routes.set("/v1/transactions", { body: whaleAnswer(1_500, T0 - MINUTE) });
});
afterEach(async () => {
  await server.stop();
});

function tradeContext(): TradeContext {
  const config = liveContextConfigSchema.parse({
    pollMinutes: 15,
    rss: [{ name: "markets", url: server.url("/rss") }],
    fearGreedUrl: server.url("/fng/"),
    whale: { url: server.url("/v1/transactions") },
  });
  return new TradeContext(config, {
    log,
    clock: () => now,
    alert: (alert) => alerts.push(alert),
    logLine: () => {},
    env: { WHALE_ALERT_API_KEY: "test-key" },
  });
}

const riskContext = contextConfigSchema.parse({});

describe("context providers inside aegis trade", () => {
  it("polls on the market clock, not more often, and stores every observation with the instant it was seen", async () => {
    const context = tradeContext();
    await context.start();
    await context.tick();
    expect(server.requests.filter((r) => r.startsWith("/fng/"))).toHaveLength(1);
    now = T0 + 5 * MINUTE;
    await context.tick();
    expect(server.requests.filter((r) => r.startsWith("/fng/"))).toHaveLength(1);
    now = T0 + 15 * MINUTE;
    await context.tick();
    expect(server.requests.filter((r) => r.startsWith("/fng/"))).toHaveLength(2);
    expect((await log.list("fear-greed")).map((r) => r.seenAt)).toEqual([T0]);
    expect((await log.list("news")).map((r) => r.seenAt)).toEqual([T0]);
    expect((await log.list("sentiment")).map((r) => r.seenAt)).toEqual([T0]);
    expect((await log.list("whale")).map((r) => r.seenAt)).toEqual([T0, T0 + 15 * MINUTE]);
    expect(context.failing.size).toBe(0);
  });

  it("feeds the shield's sentiment and whale layers and the advisor's multipliers from what it polled", async () => {
    const context = tradeContext();
    await context.start();
    await context.tick();
    const layers = createContextLayers(riskContext, { store: new MemoryStateStore(), providers: context.providers() });
    expect(layers.whale?.status(T0).active).toBe(true);
    const multipliers = contextMultipliers(layers.layers, riskContext, context.providers(), T0);
    // Contrarian linear mapping: fear 15 → 0.5 + 1.0 × (1 − 0.15) = 1.35; a whale event → 0.7.
    expect(multipliers).toEqual({ macro: 1, sentiment: 1.35, whale: 0.7 });
    const audit = context.auditContext(T0, layers.layers);
    expect(audit.whaleRisk).toBe(true);
    expect(audit.globalRiskLevel).toBe("high");
    expect(audit.sentiment).toBeGreaterThan(0);
  });

  it("a failing source: its layer is neutral and says why, one alert and one stored record, the others go on", async () => {
    const context = tradeContext();
    await context.start();
    await context.tick();
    server.routes.set("/fng/", { status: 500, body: "upstream down" });
    now = T0 + 15 * MINUTE;
    await context.tick();
    now = T0 + 30 * MINUTE;
    await context.tick();
    expect(context.failing.get("fear-greed")).toMatch(/HTTP 500/);
    expect(alerts.filter((a) => a.level === "warning")).toHaveLength(1);
    expect(alerts[0]?.message).toMatch(/context source fear-greed failed; its risk layer is neutral/);
    const providers = context.providers();
    expect(providers.sentiment?.at(now)).toBeUndefined();
    expect(providers.sentiment?.missing?.(now)).toMatch(/^fear-greed failing: .*HTTP 500/);
    const layers = createContextLayers(riskContext, { store: new MemoryStateStore(), providers });
    expect(contextMultipliers(layers.layers, riskContext, providers, now).sentiment).toBe(1);
    expect((await log.list("whale")).length).toBe(3);
    expect((await log.list(CONTEXT_FAILURE_SOURCE)).map((r) => r.value)).toEqual([
      { source: "fear-greed", error: expect.stringMatching(/HTTP 500/) },
    ]);
    server.routes.set("/fng/", { body: fng(60, "Greed", T0) });
    now = T0 + 45 * MINUTE;
    await context.tick();
    expect(context.failing.size).toBe(0);
    expect(alerts.at(-1)).toMatchObject({ level: "info", message: "context source fear-greed answers again" });
    expect(providers.sentiment?.at(now)?.value).toBe(60);
  });

  it("close: the poll in flight is stored before it resolves, and no poll starts after it", async () => {
    const context = tradeContext();
    await context.start();
    const inFlight = context.tick();
    await context.close();
    expect((await log.list("fear-greed")).map((r) => r.seenAt)).toEqual([T0]);
    await inFlight;
    now = T0 + 60 * MINUTE;
    await context.tick();
    expect(server.requests.filter((r) => r.startsWith("/fng/"))).toHaveLength(1);
    expect(context.polls).toBe(1);
  });

  it("macro: SPY and QQQ hourly bars from Alpaca's bars API (the local Alpaca), stored point-in-time, read by the macro layer", async () => {
    // Wednesday 6 March 2024, 12:30 New York: the 11:00 bar closed at 12:00.
    const at = Date.parse("2024-03-06T17:30:00Z");
    const alpaca = await startAlpacaSim({
      now: () => at,
      startTime: Date.parse("2024-01-02T00:00:00Z"),
      days: 80,
      stocks: [
        { symbol: "SPY", startPrice: 470, fractionable: false, name: "SPDR S&P 500 ETF Trust" },
        { symbol: "QQQ", startPrice: 430, fractionable: false, name: "Invesco QQQ Trust" },
      ],
    });
    try {
      const config = liveContextConfigSchema.parse({ macro: { symbols: ["SPY", "QQQ"], timeframe: "1h" } });
      const context = new TradeContext(config, {
        log,
        clock: () => at,
        alert: (alert) => alerts.push(alert),
        logLine: () => {},
        env: { ALPACA_API_KEY: ALPACA_SIM_KEY, ALPACA_API_SECRET: ALPACA_SIM_SECRET, ALPACA_BASE_URL: alpaca.url },
      });
      await context.start();
      await context.tick();
      expect(context.failing).toEqual(new Map());
      for (const symbol of ["SPY", "QQQ"]) {
        const seen = await log.list(`macro:${symbol}`);
        expect(seen.length).toBeGreaterThan(0);
        // Only closed bars, each stored with the instant it was seen; the newest is 11:00 New York (16:00 UTC).
        expect(seen.every((r) => r.seenAt === at && (r.eventTime ?? Number.POSITIVE_INFINITY) + 3_600_000 <= at)).toBe(
          true,
        );
        expect(Math.max(...seen.map((r) => r.eventTime ?? 0))).toBe(Date.parse("2024-03-06T16:00:00Z"));
        expect(context.providers().macro[symbol]?.at(at)?.value).toBeGreaterThan(0);
      }
      const layers = createContextLayers(riskContext, {
        store: new MemoryStateStore(),
        providers: context.providers(),
      });
      expect(layers.macro).toBeDefined();
      expect(contextMultipliers(layers.layers, riskContext, context.providers(), at)).toHaveProperty("macro");
    } finally {
      await alpaca.close();
    }
  });

  it("macro without Alpaca keys is a usage error naming the variables", () => {
    const config = liveContextConfigSchema.parse({ macro: {} });
    expect(
      () => new TradeContext(config, { log, clock: () => now, alert: () => {}, logLine: () => {}, env: {} }),
    ).toThrow(/context\.macro: .*ALPACA_API_KEY/);
  });

  it("scores at the next start a headline stored but not scored when the process stopped", async () => {
    await log.record([
      {
        source: "news",
        itemKey: "markets|n9",
        seenAt: T0 - 60 * MINUTE,
        value: { feed: "markets", id: "n9", title: "Exchange hacked, traders panic as prices crash" },
      },
    ]);
    now = T0;
    const context = tradeContext();
    await context.start();
    const scored = await log.list("sentiment");
    expect(scored).toHaveLength(1);
    expect(scored[0]).toMatchObject({ itemKey: "markets|n9", seenAt: T0 });
    expect(context.set.sentiment.at(T0)?.value.compound).toBeLessThan(0);
  });
});
