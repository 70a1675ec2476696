import { describe, expect, it } from "vitest";
import type { Candle } from "../../domain/candles.js";
import { type FeedEvent, FeedMonitor } from "./feed-monitor.js";

const H = 3_600_000;
const bar = (i: number, close = 100): Candle => ({
  time: i * H,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

function monitor() {
  const events: FeedEvent[] = [];
  const m = new FeedMonitor(["BTC/USDT", "ETH/USDT"], { barMs: H }, (e) => events.push(e));
  return { m, events };
}

describe("FeedMonitor", () => {
  it("keeps a steady feed healthy", () => {
    const { m, events } = monitor();
    for (let i = 0; i < 5; i++) expect(m.onClosedBar("BTC/USDT", bar(i, 100 + i), (i + 1) * H)).toBe(true);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    expect(events).toEqual([]);
  });

  it("flags a spike, blocks entries, and clears after a clean bar", () => {
    const { m, events } = monitor();
    m.onClosedBar("BTC/USDT", bar(0, 100), H);
    m.onClosedBar("BTC/USDT", bar(1, 140), 2 * H);
    expect(m.blockedReason("BTC/USDT")).toMatch(/spike: close moved 40.0 %/);
    expect(m.blockedReason("ETH/USDT")).toBeUndefined();
    m.onClosedBar("BTC/USDT", bar(2, 141), 3 * H);
    expect(m.blockedReason("BTC/USDT")).toMatch(/spike/);
    m.onClosedBar("BTC/USDT", bar(3, 142), 4 * H);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    expect(events.map((e) => [e.problem, e.cleared])).toEqual([
      ["spike", false],
      ["spike", true],
    ]);
  });

  it("flags a gap of missing bars", () => {
    const { m } = monitor();
    m.onClosedBar("BTC/USDT", bar(0), H);
    m.onClosedBar("BTC/USDT", bar(4), 5 * H);
    expect(m.blockedReason("BTC/USDT")).toMatch(/gap: 3 bar\(s\) missing/);
  });

  it("refuses a non-finite bar and flags the symbol", () => {
    const { m } = monitor();
    expect(m.onClosedBar("BTC/USDT", { ...bar(0), close: Number.NaN }, H)).toBe(false);
    expect(m.blockedReason("BTC/USDT")).toMatch(/non-finite/);
    expect(m.onClosedBar("BTC/USDT", bar(1), 2 * H)).toBe(true);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
  });

  it("flags a stale feed once no bar came for the configured number of bar lengths, and clears on the next bar", () => {
    const { m, events } = monitor();
    m.onClosedBar("BTC/USDT", bar(0), H);
    m.checkStale(4 * H);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    m.checkStale(5 * H + 1);
    expect(m.blockedReason("BTC/USDT")).toMatch(/stale: no closed bar since 1970-01-01T00:00:00.000Z/);
    // The late bar is the next one: nothing is missing, so the feed is healthy again.
    m.onClosedBar("BTC/USDT", bar(1), 5 * H + 2);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    expect(events.filter((e) => e.problem === "stale").map((e) => e.cleared)).toEqual([false, true]);
  });

  it("with a floor on the stale limit (an accelerated clock), a few silent bars are not yet stale", () => {
    const M = 60_000;
    const m = new FeedMonitor(["BTC/USDT"], { barMs: M, minStaleMs: 20 * M });
    m.onClosedBar("BTC/USDT", { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }, M);
    // Three bars (the default limit) have long passed: the floor of 20 minutes holds.
    m.checkStale(2 * M + 20 * M);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    m.checkStale(2 * M + 20 * M + 1);
    expect(m.blockedReason("BTC/USDT")).toMatch(/stale/);
  });

  it("a check that fires more than a bar late (this process stalled) does not judge; the next one on time does", () => {
    const { m, events } = monitor();
    m.onClosedBar("BTC/USDT", bar(0), H);
    // Set for 2 h, fired at 6 h: the bars of the stall may still be queued behind the timer.
    expect(m.checkStale(6 * H, 2 * H)).toBe(false);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    // A bar late is still on time enough to judge; nothing came, so the feed is stale.
    expect(m.checkStale(7 * H, 6 * H)).toBe(true);
    expect(m.blockedReason("BTC/USDT")).toMatch(/stale/);
    expect(events.map((e) => [e.problem, e.cleared])).toEqual([["stale", false]]);
  });

  it("flags a crossed book until it uncrosses", () => {
    const { m } = monitor();
    m.onBook("ETH/USDT", 101, 100, 0);
    expect(m.blockedReason("ETH/USDT")).toMatch(/crossed-book: bid 101 ≥ ask 100/);
    m.onBook("ETH/USDT", 99, 100, 1);
    expect(m.blockedReason("ETH/USDT")).toBeUndefined();
  });

  it("flags a book with a non-finite level until a sound book arrives, apart from a bar's non-finite flag", () => {
    const { m, events } = monitor();
    m.onBook("ETH/USDT", Number.NaN, 100, 0);
    expect(m.blockedReason("ETH/USDT")).toMatch(/non-finite-book: order book level not a finite positive price/);
    // A sound bar does not clear a book problem: only a sound book does.
    m.onClosedBar("ETH/USDT", bar(0), H);
    expect(m.blockedReason("ETH/USDT")).toMatch(/non-finite-book/);
    m.onBook("ETH/USDT", 99, 100, 2);
    expect(m.blockedReason("ETH/USDT")).toBeUndefined();
    expect(events.map((e) => [e.problem, e.cleared])).toEqual([
      ["non-finite-book", false],
      ["non-finite-book", true],
    ]);
  });

  it("with market hours, a night or a weekend without bars is neither a gap nor a stale feed", () => {
    const { m, events } = monitor();
    // Bars only from 09:00 to 15:00 (hours 9..15) on days 0, 1, 7, 8 …: days 2 to 6 are a long weekend.
    const open = (_s: string, t: number) =>
      Math.floor(t / (24 * H)) % 7 < 2 && (t % (24 * H)) / H >= 9 && (t % (24 * H)) / H <= 15;
    m.expectBars(open);
    for (let h = 9; h <= 15; h++) m.onClosedBar("BTC/USDT", bar(h), (h + 1) * H);
    m.checkStale(24 * H + 8 * H); // the next morning before the open
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    m.onClosedBar("BTC/USDT", bar(24 + 9), (24 + 10) * H);
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    for (let h = 10; h <= 15; h++) m.onClosedBar("BTC/USDT", bar(24 + h), (24 + h + 1) * H);
    m.checkStale(7 * 24 * H + 8 * H); // over the weekend, until Monday morning
    expect(m.blockedReason("BTC/USDT")).toBeUndefined();
    // A missing bar inside the session is still a gap, and silence in it still goes stale.
    m.onClosedBar("BTC/USDT", bar(7 * 24 + 11), (7 * 24 + 12) * H);
    expect(m.blockedReason("BTC/USDT")).toMatch(/gap: 2 bar\(s\) missing/);
    m.checkStale((7 * 24 + 17) * H);
    expect(m.blockedReason("BTC/USDT")).toMatch(/stale/);
    expect(events.map((e) => e.problem)).toEqual(["gap", "stale"]);
  });

  it("reports health per symbol and names an unknown symbol", () => {
    const { m } = monitor();
    m.onClosedBar("BTC/USDT", bar(0), H);
    expect(m.health()["BTC/USDT"]).toEqual({ healthy: true, problems: [], lastBar: 0 });
    expect(m.blockedReason("DOGE/USDT")).toBe("no feed for DOGE/USDT");
    expect(() => m.onClosedBar("DOGE/USDT", bar(0), 0)).toThrowError(/unknown symbol DOGE\/USDT/);
  });
});
