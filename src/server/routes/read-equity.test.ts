import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { ApiContext } from "../context.js";
import { type ApiServer, createApiServer } from "../server.js";
import { HOUR, type PaperFixture, paperFixture } from "../testing/paper-fixture.js";
import { readRouteGroups } from "./read-all.js";
import { buyAndHold, EQUITY_PAGE_MAX, EQUITY_POINTS_MAX } from "./read-equity.js";

describe("/api/equity: a bounded answer, paged or downsampled", () => {
  let fx: PaperFixture;
  let server: ApiServer;
  let all: { time: number; equity: number }[];

  beforeAll(async () => {
    fx = await paperFixture();
    const last = fx.series[0]!;
    await fx.advance((last.time[last.length - 1] as number) + HOUR);
    server = createApiServer(fx.ctx, readRouteGroups);
    all = (await fx.store.equity.range()).map((s) => ({ time: s.time, equity: s.equity }));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fx?.close();
  });

  const get = async (url: string) => server.app.inject({ url });

  it("pages through the raw snapshots with limit and the before cursor, oldest first within a page", async () => {
    expect(all.length).toBeGreaterThan(20);
    const seen: number[] = [];
    let url = "/api/equity?limit=7";
    for (;;) {
      const page = (await get(url)).json();
      expect(page.points.length).toBeLessThanOrEqual(7);
      seen.unshift(...page.points.map((p: { time: number }) => p.time));
      if (page.page.next === null) break;
      url = `/api/equity?limit=7&before=${page.page.next}`;
    }
    expect(seen).toEqual(all.map((s) => s.time));
  });

  it("downsamples the whole curve to at most `points`, ending on the latest snapshot, drawdown from the true peak", async () => {
    const body = (await get("/api/equity?points=5")).json();
    expect(body.points.length).toBeLessThanOrEqual(5);
    expect(body.downsampled.snapshots).toBe(all.length);
    expect(body.points.at(-1).time).toBe(all.at(-1)!.time);
    for (const p of body.points) {
      const peak = Math.max(...all.filter((s) => s.time <= p.time).map((s) => s.equity));
      expect(p.drawdownPct).toBeCloseTo((p.equity / peak - 1) * 100, 9);
    }
  });

  it("refuses a bad or out-of-range value with a 400 naming the field", async () => {
    for (const [url, field] of [
      [`/api/equity?limit=${EQUITY_PAGE_MAX + 1}`, "limit"],
      ["/api/equity?limit=0", "limit"],
      ["/api/equity?before=yesterday", "before"],
      [`/api/equity?points=${EQUITY_POINTS_MAX + 1}`, "points"],
      ["/api/equity?points=10&limit=5", "points"],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toContain(field);
    }
  });
});

describe("buy-and-hold beside the equity curve", () => {
  it("walking each market forward over points in time order gives what a search per point gives", () => {
    const markets = [11, 12, 13].map((seed) => simulateMarket({ seed, bars: 400, symbol: `S${seed}/USDT` }).series);
    const ctx = {
      candles: {
        markets: () => markets.map((m) => ({ symbol: m.symbol, timeframe: m.timeframe })),
        series: (symbol: string) => markets.find((m) => m.symbol === symbol),
      },
    } as unknown as ApiContext;
    const t0 = markets[0]!.time[20] as number;
    // Uneven steps, repeated times, and points past the last bar.
    const points = Array.from({ length: 300 }, (_, k) => ({ time: t0 + Math.floor(k * 1.7) * 41_000, equity: 1000 }));
    const walked = buyAndHold(ctx, points);
    expect(walked?.points.length).toBe(300);
    // The same points out of order (7 and 300 share no divisor: a permutation): each is searched for instead.
    const shuffled = points.map((_, k) => points[(k * 7) % points.length]!);
    const bySearch = buyAndHold(ctx, shuffled)?.points ?? [];
    expect(bySearch.length).toBe(300);
    const byTime = new Map(walked?.points.map((p) => [p.time, p.equity]));
    for (const p of bySearch) expect(p.equity).toBe(byTime.get(p.time));
  });
});
