import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, createApiServer } from "../server.js";
import { HOUR, type PaperFixture, paperFixture, SESSION } from "../testing/paper-fixture.js";
import { readRouteGroups } from "./read-all.js";
import { decisionsQuery, decisionView } from "./read-decisions.js";

/**
 * The read routes that keep what they made of unchanged rows between requests answer exactly what rendering every
 * row again answers, before and after the session trades on.
 */
describe("read routes that reuse their work between requests", () => {
  let fx: PaperFixture;
  let server: ApiServer;
  const barTime = (i: number) => (fx.series[0]!.time[i] as number) + HOUR;

  beforeAll(async () => {
    fx = await paperFixture();
    await fx.advance(barTime(450));
    server = createApiServer(fx.ctx, readRouteGroups);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fx?.close();
  });

  /** The decision page as rendering each row anew gives it (what the route answered before it kept any). */
  async function renderedAnew(limit: number, offset: number, filter: { symbol?: string } = {}) {
    const rows = await decisionsQuery(fx.store.db, `${SESSION}|`, filter)
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return JSON.stringify({
      decisions: rows.slice(0, limit).map(decisionView),
      offset,
      limit,
      more: rows.length > limit,
    });
  }

  it("/api/decisions: byte for byte the page rendered anew, as JSON, before and after more steps", async () => {
    const first = await server.app.inject({ url: "/api/decisions?limit=10" });
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(first.body).toBe(await renderedAnew(10, 0));
    const before = first.json().decisions.map((d: { id: number }) => d.id);
    expect(before.length).toBe(10);
    await fx.advance(barTime(598));
    const next = await server.app.inject({ url: "/api/decisions?limit=1000" });
    expect(next.body).toBe(await renderedAnew(1000, 0));
    // New decisions came first and older ones, rendered before, follow.
    const after = next.json().decisions.map((d: { id: number }) => d.id);
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after.some((id: number) => before.includes(id))).toBe(true);
    for (const [url, limit, offset, filter] of [
      ["/api/decisions?limit=7&offset=5", 7, 5, {}],
      ["/api/decisions?symbol=ETH%2FUSDT&limit=1000", 1000, 0, { symbol: "ETH/USDT" }],
      ["/api/decisions", 100, 0, {}],
    ] as const)
      expect((await server.app.inject({ url })).body, url).toBe(await renderedAnew(limit, offset, filter));
  });

  it("/api/shield, /api/equity and /api/decisions: after more steps, what a server that kept nothing answers", async () => {
    const urls = ["/api/shield", "/api/equity", "/api/equity?points=7", "/api/decisions?limit=30&offset=3"];
    for (const url of urls) expect((await server.app.inject({ url })).statusCode, url).toBe(200);
    await fx.advance(barTime(599));
    const anew = createApiServer(fx.ctx, readRouteGroups);
    try {
      for (const url of urls) {
        const kept = await server.app.inject({ url });
        expect(kept.body, url).toBe((await anew.app.inject({ url })).body);
        expect(kept.headers["content-type"], url).toBe("application/json; charset=utf-8");
      }
      const shield = (await server.app.inject({ url: "/api/shield" })).json();
      expect(shield.layers.length).toBeGreaterThan(0);
    } finally {
      await anew.close();
    }
  });
});
