import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CandleStore } from "../../data/store/candle-store.js";
import { type ApiServer, createApiServer } from "../server.js";
import { HOUR, type PaperFixture, paperFixture, SESSION } from "../testing/paper-fixture.js";
import { readRouteGroups } from "./read-all.js";
import { candleStoreSource } from "./read-candles.js";

describe("read routes over a real paper session in SQLite", () => {
  let fx: PaperFixture;
  let server: ApiServer;

  beforeAll(async () => {
    fx = await paperFixture();
    const last = fx.series[0]!;
    await fx.advance((last.time[last.length - 1] as number) + HOUR);
    server = createApiServer(fx.ctx, readRouteGroups);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fx?.close();
  });

  const get = async (url: string) => server.app.inject({ url });

  it("status and portfolio answer from the live session, positions carry live P&L", async () => {
    const status = (await get("/api/status")).json();
    expect(status.mode).toBe("trading");
    expect(status.session).toBe(SESSION);
    const live = fx.session.portfolio;
    const portfolio = (await get("/api/portfolio")).json();
    expect(portfolio.source).toBe("live");
    expect(portfolio.equity).toBeCloseTo(live.equity(), 6);
    for (const p of portfolio.positions) {
      expect(p.unrealizedPnl).toBeCloseTo(live.position(p.symbol)!.unrealizedPnl, 6);
    }
  });

  it("trades and equity come from the store, filtered by session, equity with drawdown and buy-and-hold", async () => {
    const trades = (await get("/api/trades?limit=1000")).json().trades;
    const stored = await fx.store.trades.range();
    expect(trades.length).toBe(stored.length);
    expect(trades.length).toBeGreaterThan(3);
    expect(trades[0].exitTime).toBeGreaterThanOrEqual(trades.at(-1).exitTime);
    const equity = (await get("/api/equity")).json();
    expect(equity.points.length).toBe((await fx.store.equity.range()).length);
    let peak = Number.NEGATIVE_INFINITY;
    for (const p of equity.points) {
      peak = Math.max(peak, p.equity);
      expect(p.drawdownPct).toBeCloseTo((p.equity / peak - 1) * 100, 9);
    }
    expect(equity.benchmark.label).toBe("Buy & hold (equal weight)");
    expect(equity.benchmark.points[0].equity).toBeCloseTo(equity.points[0].equity, 6);
    const open = (await get("/api/orders/open")).json();
    expect(Array.isArray(open.orders)).toBe(true);
  });

  it("candles carry the requested indicators, computed over the whole buffer, and the session's fills as markers", async () => {
    const res = (
      await get("/api/candles/BTC%2FUSDT?timeframe=1h&indicators=ema:20,rsi:14,bbands:20:2&limit=100")
    ).json();
    expect(res.candles).toHaveLength(100);
    const series = fx.series[0]!;
    expect(res.candles.at(-1).close).toBe(series.close[series.length - 1]);
    expect(res.indicators.map((i: { id: string }) => i.id)).toEqual(["ema(20)", "rsi(14)", "bbands(20,2)"]);
    // Warm from the first bar shown: computed over every bar held, not only the 100 returned.
    expect(res.indicators[0].lines.value[0]).not.toBeNull();
    expect(Object.keys(res.indicators[2].lines)).toEqual(["upper", "middle", "lower"]);
    expect(res.markers.length).toBeGreaterThan(0);
    expect(res.markers.every((m: { time: number }) => m.time >= res.candles[0].time)).toBe(true);
    const bad = await get("/api/candles/BTC%2FUSDT?indicators=ema:20,foo:3");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("query.indicators");
    expect(bad.json().error).toContain("foo");
    expect((await get("/api/candles/NOPE%2FUSDT")).statusCode).toBe(404);
    expect((await get("/api/markets")).json().markets).toEqual([
      { symbol: "BTC/USDT", timeframe: "1h" },
      { symbol: "ETH/USDT", timeframe: "1h" },
    ]);
  });

  it("decisions carry every vote and verdict with a plain-words explanation, filter by symbol, outcome and layer, and page", async () => {
    const all = (await get("/api/decisions?limit=1000")).json();
    expect(all.decisions.length).toBeGreaterThan(10);
    const sent = all.decisions.find((d: { outcome: string }) => d.outcome === "orders-sent");
    expect(sent.votes.length).toBeGreaterThan(0);
    expect(sent.risk[0].verdicts.length).toBeGreaterThan(3);
    expect(sent.explanation).toMatch(
      /^At \d{4}-\d\d-\d\d \d\d:\d\d UTC .* decided to (buy|sell|close) .* because .*orders were sent\.$/,
    );
    const eth = (await get("/api/decisions?symbol=ETH%2FUSDT&limit=1000")).json().decisions;
    expect(eth.length).toBeGreaterThan(0);
    expect(eth.every((d: { symbol: string }) => d.symbol === "ETH/USDT")).toBe(true);
    const rejected = (await get("/api/decisions?outcome=orders-sent")).json().decisions;
    expect(rejected.every((d: { outcome: string }) => d.outcome === "orders-sent")).toBe(true);
    const page1 = (await get("/api/decisions?limit=5&offset=0")).json();
    const page2 = (await get("/api/decisions?limit=5&offset=5")).json();
    expect(page1.more).toBe(true);
    expect(page2.decisions[0].id).toBe(all.decisions[5].id);
    // A layer that scaled orders: each decision listed has a non-allow verdict of that layer.
    const scaledLayer = all.decisions
      .flatMap((d: { risk: { verdicts: { layer: string; verdict: string }[] }[] }) => d.risk.flatMap((r) => r.verdicts))
      .find((v: { verdict: string }) => v.verdict !== "allow")?.layer;
    if (scaledLayer !== undefined) {
      const byLayer = (await get(`/api/decisions?layer=${encodeURIComponent(scaledLayer)}&limit=1000`)).json()
        .decisions;
      expect(byLayer.length).toBeGreaterThan(0);
      for (const d of byLayer) {
        expect(
          d.risk.some((r: { verdicts: { layer: string; verdict: string }[] }) =>
            r.verdicts.some((v) => v.layer === scaledLayer && v.verdict !== "allow"),
          ),
        ).toBe(true);
      }
    }
    const bad = await get("/api/decisions?outcome=bought");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("query.outcome");
  });

  it("the shield reports the kill switch, stability lock, each layer's latest verdict and the context multipliers", async () => {
    const shield = (await get("/api/shield")).json();
    expect(shield.killSwitch.tripped).toBe(false);
    expect(shield.stabilityLock.locked).toBe(false);
    expect(shield.layers.map((l: { layer: string }) => l.layer)).toContain("kill-switch");
    expect(shield.context.map((c: { layer: string }) => c.layer)).toEqual(["macro-risk", "whale-inflow", "sentiment"]);
    for (const c of shield.context) expect(c.reason.length).toBeGreaterThan(5);
    await fx.store.latches.set(
      "kill-switch",
      JSON.stringify({ rule: "max-drawdown", time: 1, reason: "drawdown 21 % over 20 %", equity: 1, reference: 2 }),
      1,
    );
    const tripped = (await get("/api/shield")).json();
    expect(tripped.killSwitch).toMatchObject({
      tripped: true,
      rule: "max-drawdown",
      reason: "drawdown 21 % over 20 %",
    });
    await fx.store.latches.delete("kill-switch");
  });

  it("strategies list their lifecycle status and transitions", async () => {
    await fx.store.strategies.upsert({ id: "s1", name: "SMA cross", source: "user", spec: { a: 1 } }, "test", 1);
    await fx.store.strategies.transition("s1", "validated", "alice", "walk-forward passed", 2);
    expect((await get("/api/strategies")).json().strategies[0]).toMatchObject({ id: "s1", status: "validated" });
    const one = (await get("/api/strategies/s1")).json();
    expect(one.transitions.map((t: { toStatus: string }) => t.toStatus)).toEqual(["generated", "validated"]);
    expect((await get("/api/strategies/nope")).statusCode).toBe(404);
    expect((await get("/api/strategies?status=alive")).json().field).toBe("query.status");
  });

  it("documents every read route in OpenAPI", async () => {
    const doc = (await get("/api/openapi.json")).json();
    for (const path of ["/api/status", "/api/candles/{symbol}", "/api/decisions", "/api/shield", "/api/reports"]) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
  });
});

describe("read routes in read-only mode (aegis serve: a store and a candle store, no live session)", () => {
  let fx: PaperFixture;
  let server: ApiServer;
  let candles: CandleStore;

  beforeAll(async () => {
    fx = await paperFixture({ bars: 400 });
    const last = fx.series[0]!;
    await fx.advance((last.time[last.length - 1] as number) + HOUR);
    candles = new CandleStore(join(fx.dir, "candles.sqlite"));
    for (const s of fx.series) candles.upsert("binance", s.symbol, "1h", s);
    const { status: _status, bus: _bus, candles: _live, ...rest } = fx.ctx;
    server = createApiServer({ ...rest, candles: candleStoreSource(candles, { maxBars: 300 }) }, readRouteGroups);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    candles?.close();
    await fx?.close();
  });

  it("answers status and portfolio from the last committed step, and candles from the candle store", async () => {
    const status = (await server.app.inject({ url: "/api/status" })).json();
    expect(status.mode).toBe("read-only");
    expect(status.portfolio.source).toBe("store");
    expect(status.portfolio.equity).toBeCloseTo(fx.session.portfolio.equity(), 4);
    const res = (await server.app.inject({ url: "/api/candles/ETH%2FUSDT?timeframe=1h&limit=1000" })).json();
    expect(res.candles).toHaveLength(300);
    expect(res.candles.at(-1).close).toBe(fx.series[1]!.close[399]);
  });

  it("says why when there is no store", async () => {
    const bare = createApiServer(
      { store: undefined, session: undefined, reportDirs: [], dataDir: fx.dir, now: () => 0 },
      readRouteGroups,
    );
    const res = await bare.app.inject({ url: "/api/decisions" });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toContain("no store");
    expect((await bare.app.inject({ url: "/api/candles/BTC%2FUSDT" })).statusCode).toBe(503);
    await bare.close();
  });
});
