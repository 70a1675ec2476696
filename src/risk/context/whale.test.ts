import { describe, expect, it } from "vitest";
import { type ContextProvider, memoryProvider } from "./provider.js";
import { testContext, testOrder } from "./testing.js";
import { WhaleInflowLayer } from "./whale.js";

const H = 3_600_000;
const T = Date.UTC(2024, 2, 5, 0);
const HOURLY = { periodsPerYear: 8760 };

/** Hourly inflows known at T, T+1h, …, stale after 2h. */
function inflows(values: readonly number[]): ContextProvider<number> {
  return memoryProvider(
    "BTC exchange inflow",
    values.map((value, i) => ({ time: T + i * H, value })),
    { maxAgeMs: 2 * H },
  );
}

/** A buy decided at instant `instant` (the close of the 1h bar opening an hour earlier). */
function checkAt(layer: WhaleInflowLayer, instant: number) {
  const order = testOrder(instant - H);
  return layer.check(order, testContext(order));
}

describe("WhaleInflowLayer", () => {
  it("sizes × 0.7 and tightens stops to 0.75 after an inflow of 1000 BTC or more, naming it", () => {
    const layer = new WhaleInflowLayer({ provider: inflows([200, 1000, 300]) });
    const result = checkAt(layer, T + 2 * H);
    expect(result.verdict).toBe("scale");
    expect(result.scale).toBe(0.7);
    expect(result.reason).toBe(
      "BTC exchange inflow 1000 BTC at 2024-03-05 01:00 ≥ 1000 → whale risk ×0.7, stops ×0.75 until 2024-03-06 01:00",
    );
    expect(layer.stopTightening(T + H, HOURLY)).toBe(0.75);
  });

  it("does not trigger below the threshold", () => {
    const layer = new WhaleInflowLayer({ provider: inflows([200, 999.9, 300]) });
    const result = checkAt(layer, T + 2 * H);
    expect(result.verdict).toBe("allow");
    expect(result.reason).toBe("BTC exchange inflow 300 BTC at 2024-03-05 02:00, none ≥ 1000 in the last 1d → ×1");
    expect(layer.stopTightening(T + H, HOURLY)).toBe(1);
  });

  it("expires 24 hours after the event was known, even when the feed stopped after it", () => {
    const layer = new WhaleInflowLayer({ provider: inflows([1500]) });
    expect(checkAt(layer, T + 24 * H - 1).scale).toBe(0.7);
    const after = checkAt(layer, T + 24 * H);
    expect(after.verdict).toBe("allow");
    expect(after.reason).toMatch(
      /^no whale data \(BTC exchange inflow last point 2024-03-05 00:00 is 1d old, limit 2h\)/,
    );
    expect(layer.stopTightening(T + 23 * H, HOURLY)).toBe(1);
    expect(layer.stopTightening(T + 22 * H, HOURLY)).toBe(0.75);
  });

  it("does not see an event before it was known", () => {
    const layer = new WhaleInflowLayer({ provider: inflows([100, 5000]) });
    expect(checkAt(layer, T + H - 1).verdict).toBe("allow");
    expect(layer.stopTightening(T + H - 1)).toBe(1);
    expect(layer.stopTightening(T + H)).toBe(0.75);
  });

  it("is neutral without data and says so", () => {
    expect(checkAt(new WhaleInflowLayer({ note: "no file" }), T).reason).toBe("no whale data (no file) → neutral ×1");
    expect(checkAt(new WhaleInflowLayer({ provider: inflows([10]) }), T - H).reason).toMatch(
      /^no whale data \(.* starts at/,
    );
  });

  it("remembers an event from a provider that only knows its latest value", () => {
    const full = inflows([2000, 10, 10]);
    const latestOnly: ContextProvider<number> = { name: "live", at: (time) => full.at(time) };
    const layer = new WhaleInflowLayer({ provider: latestOnly });
    expect(checkAt(layer, T).scale).toBe(0.7);
    expect(checkAt(layer, T + 2 * H).scale).toBe(0.7);
    expect(checkAt(layer, T + 2 * H).reason).toContain("2000 BTC at 2024-03-05 00:00");
  });

  it("uses the configured threshold, scale, stop factor and expiry", () => {
    const layer = new WhaleInflowLayer({
      provider: inflows([600]),
      threshold: 500,
      scale: 0.5,
      stopFactor: 0.6,
      expiryMs: 2 * H,
    });
    expect(checkAt(layer, T + H).scale).toBe(0.5);
    expect(layer.stopTightening(T)).toBe(0.6);
    expect(checkAt(layer, T + 2 * H).verdict).toBe("allow");
    expect(() => new WhaleInflowLayer({ stopFactor: 0 })).toThrow(/stop factor/);
  });
});
