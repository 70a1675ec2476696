import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ContextSet, replayContext } from "./context-set.js";
import { FearGreedProvider, parseFearGreed } from "./fear-greed.js";
import { NewsProvider } from "./news-provider.js";
import { MemoryObservationLog } from "./observation-log.js";
import { atomDocument, rssDocument, ScriptedHttpServer } from "./testing.js";
import { WhaleAlertFeed, WhaleFlowProvider } from "./whale-flows.js";

const T0 = Date.UTC(2024, 2, 1, 12);
const HOUR = 3_600_000;
const RSS = "application/rss+xml; charset=utf-8";
const ATOM = "application/atom+xml";

/** alternative.me's answer, as its API sends it (numbers as strings, seconds). */
const fng = (days: readonly [value: number, label: string, day: number][]) =>
  JSON.stringify({
    name: "Fear and Greed Index",
    data: days.map(([value, label, day]) => ({
      value: String(value),
      value_classification: label,
      timestamp: String(day / 1000),
      time_until_update: "3600",
    })),
    metadata: { error: null },
  });

/** Whale Alert's /v1/transactions answer. */
const whaleAnswer = (
  transactions: readonly { id: number; amount: number; to: string; from?: string; time: number; symbol?: string }[],
) =>
  JSON.stringify({
    result: "success",
    cursor: "0-0-0",
    count: transactions.length,
    transactions: transactions.map((t) => ({
      blockchain: "bitcoin",
      symbol: t.symbol ?? "btc",
      id: String(t.id),
      transaction_type: "transfer",
      hash: `h${t.id}`,
      from: { address: "a", owner_type: t.from ?? "unknown" },
      to: { address: "b", owner: t.to === "exchange" ? "binance" : undefined, owner_type: t.to },
      timestamp: t.time / 1000,
      amount: t.amount,
      amount_usd: t.amount * 60_000,
      transaction_count: 1,
    })),
  });

describe("context providers over HTTP (a local server speaking the real formats)", () => {
  let server: ScriptedHttpServer;
  let now = T0;
  const clock = () => now;
  beforeEach(async () => {
    now = T0;
    server = await new ScriptedHttpServer().start();
  });
  afterEach(() => server.stop());

  it("news: reads an RSS feed and an Atom feed and sees each headline from the poll that found it", async () => {
    server.routes.set("/rss", { contentType: RSS, body: rssDocument([{ title: "ETF inflows surge", guid: "r1" }]) });
    server.routes.set("/atom", {
      contentType: ATOM,
      body: atomDocument([{ title: "Miners sell", id: "a1", updated: "2024-03-01T11:00:00Z" }]),
    });
    const log = new MemoryObservationLog();
    const news = new NewsProvider({
      log,
      now: clock,
      feeds: [
        { name: "wire", url: server.url("/rss") },
        { name: "chain", url: server.url("/atom") },
      ],
    });
    const first = await news.poll();
    expect(first).toMatchObject({ added: 2, errors: [] });
    now = T0 + HOUR;
    server.routes.set("/rss", {
      contentType: RSS,
      body: rssDocument([
        { title: "Late story", guid: "r2" },
        { title: "ETF inflows surge", guid: "r1" },
      ]),
    });
    expect((await news.poll()).added).toBe(1);
    expect(news.at(T0 - 1)).toBeUndefined();
    expect(news.at(T0)?.value.map((h) => h.title)).toEqual(["Miners sell", "ETF inflows surge"]);
    expect(news.at(T0 + HOUR)?.value.map((h) => h.title)).toEqual(["Late story", "Miners sell", "ETF inflows surge"]);
    // The window is (time − 6 h, time]: a headline seen at T0 + 1 h leaves it at T0 + 7 h.
    expect(news.at(T0 + 7 * HOUR - 1)?.value.map((h) => h.title)).toEqual(["Late story"]);
    expect(news.at(T0 + 7 * HOUR)).toBeUndefined();
  });

  it("news: a 500, junk, a wrong content type, an oversize feed and a hanging server are named; the good feed still counts", async () => {
    server.routes.set("/ok", { contentType: RSS, body: rssDocument([{ title: "Fine", guid: "ok" }]) });
    server.routes.set("/500", { status: 500, contentType: "text/plain", body: "upstream exploded" });
    server.routes.set("/junk", { contentType: "application/xml", body: "<rss><channel><item>" });
    server.routes.set("/html", { contentType: "text/html", body: "<html>login</html>" });
    server.routes.set("/huge", {
      contentType: RSS,
      body: rssDocument(Array.from({ length: 2_000 }, (_, i) => ({ title: `t${i}`, guid: `${i}` }))),
    });
    server.routes.set("/hang", { hang: true });
    const log = new MemoryObservationLog();
    const names = ["ok", "500", "junk", "html", "huge", "hang"];
    const news = new NewsProvider({
      log,
      now: clock,
      feeds: names.map((name) => ({ name, url: server.url(`/${name}`) })),
      fetch: { timeoutMs: 300, maxBytes: 50_000 },
    });
    const report = await news.poll();
    expect(report.added).toBe(1);
    expect(report.errors).toEqual([
      `500: ${server.url("/500")} answered HTTP 500: upstream exploded`,
      expect.stringMatching(/^junk: malformed XML at line 1: /),
      `html: ${server.url("/html")} sent content type "text/html", expected xml or rss or atom`,
      `huge: ${server.url("/huge")} sent more than 50000 bytes; refused`,
      `hang: no answer from ${server.url("/hang")} within 300 ms`,
    ]);
    expect((await log.list("news")).map((r) => r.itemKey)).toEqual(["ok|ok"]);
  });

  it("news: a feed that fails later loses nothing already stored, and a refused connection is named", async () => {
    server.routes.set("/rss", { contentType: RSS, body: rssDocument([{ title: "Kept", guid: "k" }]) });
    const log = new MemoryObservationLog();
    const news = new NewsProvider({ log, now: clock, feeds: [{ name: "wire", url: server.url("/rss") }] });
    await news.poll();
    server.routes.set("/rss", { status: 503, contentType: "text/plain", body: "" });
    now += HOUR;
    expect((await news.poll()).errors).toEqual([`wire: ${server.url("/rss")} answered HTTP 503`]);
    expect(news.at(now)?.value.map((h) => h.title)).toEqual(["Kept"]);
    const closed = new NewsProvider({ log, now: clock, feeds: [{ name: "gone", url: "http://127.0.0.1:1/rss" }] });
    expect((await closed.poll()).errors[0]).toMatch(/^gone: cannot reach http:\/\/127\.0\.0\.1:1\/rss: /);
  });

  it("fear and greed: reads alternative.me's format; the newest day known at each instant, stale after 48 h", async () => {
    const day = Date.UTC(2024, 2, 1);
    server.routes.set("/fng/", {
      body: fng([
        [40, "Fear", day],
        [35, "Fear", day - 86_400_000],
      ]),
    });
    const log = new MemoryObservationLog();
    const index = new FearGreedProvider({ log, now: clock, url: server.url("/fng/?limit=2&format=json") });
    expect(await index.poll()).toEqual({ source: "fear-greed", added: 2, errors: [], skipped: [] });
    expect(server.requests).toEqual(["/fng/?limit=2&format=json"]);
    expect(index.at(T0 - 1)).toBeUndefined();
    expect(index.at(T0)).toEqual({ value: 40, time: T0 });
    expect(index.point(T0)?.value.classification).toBe("Fear");
    // A later poll that fills in an older day does not replace the newest one.
    now = T0 + HOUR;
    server.routes.set("/fng/", { body: fng([[20, "Extreme Fear", day - 2 * 86_400_000]]) });
    await index.poll();
    expect(index.at(now)).toEqual({ value: 40, time: T0 });
    expect(index.at(day + 48 * HOUR + 1)).toBeUndefined();
    expect(index.missing(day + 48 * HOUR + 1)).toBe(
      "newest fear-and-greed day known is 2024-03-01 00:00 UTC, older than 48 h",
    );
  });

  it("fear and greed: an API error, junk, a 500 and a value out of range are named errors", async () => {
    const log = new MemoryObservationLog();
    const index = new FearGreedProvider({ log, now: clock, url: server.url("/fng/") });
    server.routes.set("/fng/", { body: JSON.stringify({ data: [], metadata: { error: "Limit must be a number" } }) });
    expect((await index.poll()).errors).toEqual([
      "fear-greed: alternative.me reports an error: Limit must be a number",
    ]);
    server.routes.set("/fng/", { body: "<html>" });
    expect((await index.poll()).errors).toEqual(["fear-greed: answer is not JSON: <html>"]);
    server.routes.set("/fng/", { status: 500, body: "{}" });
    expect((await index.poll()).errors).toEqual([`fear-greed: ${server.url("/fng/")} answered HTTP 500: {}`]);
    expect(() => parseFearGreed("f", fng([[140, "Greed", T0]]))).toThrow(
      "f: not alternative.me's format: data.0.value: value must be in [0, 100]",
    );
    expect(await log.sources()).toEqual([]);
  });

  it("whale: sums BTC sent to exchanges from elsewhere per poll, ignoring exchange-to-exchange and other coins", async () => {
    server.routes.set("/v1/transactions", {
      body: whaleAnswer([
        { id: 1, amount: 800, to: "exchange", time: T0 - 10 * 60_000 },
        { id: 2, amount: 500, to: "exchange", time: T0 - 5 * 60_000 },
        { id: 3, amount: 9_000, to: "exchange", from: "exchange", time: T0 - 5 * 60_000 },
        { id: 4, amount: 7_000, to: "unknown", time: T0 - 5 * 60_000 },
        { id: 5, amount: 50_000, to: "exchange", time: T0 - 5 * 60_000, symbol: "eth" },
      ]),
    });
    const log = new MemoryObservationLog();
    const feed = new WhaleAlertFeed({ url: server.url("/v1/transactions"), apiKey: "secret" });
    const whale = new WhaleFlowProvider({ log, now: clock, feed });
    expect((await whale.poll()).added).toBe(5);
    expect(server.requests[0]).toBe(`/v1/transactions?api_key=secret&start=${(T0 - HOUR) / 1000}&min_value=500000`);
    now = T0 + 10 * 60_000;
    expect((await whale.poll()).added).toBe(0);
    expect(whale.between(T0 - 1, now)).toEqual([
      { value: 1_300, time: T0 },
      { value: 0, time: now },
    ]);
    expect(whale.at(now + 2 * HOUR + 1)).toBeUndefined();
  });

  it("whale: an error answer, a 429 and junk are named without the API key", async () => {
    const log = new MemoryObservationLog();
    const whale = new WhaleFlowProvider({
      log,
      now: clock,
      feed: new WhaleAlertFeed({ url: server.url("/v1/transactions"), apiKey: "secret" }),
    });
    server.routes.set("/v1/transactions", {
      status: 401,
      body: JSON.stringify({ result: "error", message: "invalid api_key" }),
    });
    const unauthorized = (await whale.poll()).errors[0] ?? "";
    expect(unauthorized).toMatch(/^whale-alert: http:\/\/127\.0\.0\.1:\d+\/v1\/transactions answered HTTP 401/);
    server.routes.set("/v1/transactions", {
      body: JSON.stringify({ result: "error", message: "usage limit reached" }),
    });
    expect((await whale.poll()).errors).toEqual(["whale-alert: Whale Alert reports an error: usage limit reached"]);
    server.routes.set("/v1/transactions", { body: JSON.stringify({ result: "success", transactions: [{ id: 1 }] }) });
    expect((await whale.poll()).errors[0]).toMatch(/^whale-alert: not Whale Alert's format: transactions\.0\./);
    expect(unauthorized).not.toContain("secret");
    expect(await log.sources()).toEqual([]);
  });

  it("a replay from the log answers every instant as the live providers did, and never with a later record", async () => {
    server.routes.set("/rss", {
      contentType: RSS,
      body: rssDocument([{ title: "Exchange hacked, funds stolen", guid: "1" }]),
    });
    server.routes.set("/fng/", { body: fng([[72, "Greed", Date.UTC(2024, 2, 1)]]) });
    server.routes.set("/v1/transactions", {
      body: whaleAnswer([{ id: 9, amount: 1_500, to: "exchange", time: T0 - 60_000 }]),
    });
    const log = new MemoryObservationLog();
    const live = new ContextSet({
      log,
      now: clock,
      feeds: [{ name: "wire", url: server.url("/rss") }],
      fearGreedUrl: server.url("/fng/"),
      whale: new WhaleAlertFeed({ url: server.url("/v1/transactions"), apiKey: "k" }),
      macroSymbols: [],
    });
    await live.poll();
    now = T0 + 2 * HOUR;
    server.routes.set("/rss", {
      contentType: RSS,
      body: rssDocument([{ title: "Great rally, record gains", guid: "2" }]),
    });
    await live.poll();
    const replay = await replayContext(log);
    for (const at of [T0 - 1, T0, T0 + HOUR, T0 + 2 * HOUR - 1, T0 + 2 * HOUR, T0 + 9 * HOUR]) {
      expect(replay.snapshot(at)).toEqual(live.snapshot(at));
    }
    const before = replay.snapshot(T0 + 2 * HOUR - 1);
    expect("value" in before.news && before.news.value.map((h) => h.title)).toEqual(["Exchange hacked, funds stolen"]);
    expect("value" in before.sentiment && before.sentiment.value.compound).toBeLessThan(0);
    const cut = await replayContext(log, { through: T0 });
    const { at: _cutAt, ...loadedThroughT0 } = cut.snapshot(T0 + 2 * HOUR);
    const { at: _liveAt, ...liveAtT0 } = live.snapshot(T0);
    expect(loadedThroughT0).toEqual(liveAtT0);
  });
});
