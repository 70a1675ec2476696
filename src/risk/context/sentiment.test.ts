import { describe, expect, it } from "vitest";
import { memoryProvider } from "./provider.js";
import { SentimentLayer, sentimentBand, sentimentMultiplier } from "./sentiment.js";
import { testContext, testOrder } from "./testing.js";

const H = 3_600_000;
const DAY = 24 * H;
const T = Date.UTC(2024, 2, 5);

describe("sentimentMultiplier", () => {
  it("maps contrarian linear: 1.5 at extreme fear, 1 at 50, 0.5 at extreme greed", () => {
    expect([0, 25, 50, 75, 100].map((i) => sentimentMultiplier(i))).toEqual([1.5, 1.25, 1, 0.75, 0.5]);
    expect(sentimentMultiplier(22)).toBe(1.28);
  });

  it("maps momentum as the mirror image", () => {
    const momentum = { mode: "momentum", shape: "linear", min: 0.5, max: 1.5 } as const;
    expect([0, 50, 100].map((i) => sentimentMultiplier(i, momentum))).toEqual([0.5, 1, 1.5]);
  });

  it("maps bands to one step per band", () => {
    const bands = { mode: "contrarian", shape: "bands", min: 0.5, max: 1.5 } as const;
    expect([0, 24, 25, 44, 45, 55, 56, 75, 76, 100].map((i) => sentimentMultiplier(i, bands))).toEqual([
      1.5, 1.5, 1.25, 1.25, 1, 1, 0.75, 0.75, 0.5, 0.5,
    ]);
    expect(sentimentBand(60).label).toBe("greed");
  });

  it("stays within [min, max] and rejects an index outside 0–100", () => {
    for (let i = 0; i <= 100; i++) {
      const m = sentimentMultiplier(i, { mode: "contrarian", shape: "linear", min: 0.8, max: 1.2 });
      expect(m).toBeGreaterThanOrEqual(0.8);
      expect(m).toBeLessThanOrEqual(1.2);
    }
    expect(() => sentimentMultiplier(101)).toThrow(/\[0, 100\], got 101/);
    expect(() => sentimentMultiplier(Number.NaN)).toThrow(/got NaN/);
  });
});

describe("SentimentLayer", () => {
  const daily = memoryProvider(
    "fear-and-greed",
    [
      { time: T, value: 22 },
      { time: T + DAY, value: 80 },
    ],
    { maxAgeMs: 2 * DAY },
  );

  it("scales a buy by the multiplier and states the index, its band and the mapping", () => {
    const order = testOrder(T + 10 * H);
    const result = new SentimentLayer({ provider: daily }).check(order, testContext(order));
    expect(result).toEqual({
      layer: "sentiment",
      verdict: "scale",
      scale: 1.28,
      reason: "fear-and-greed 22 (extreme fear) at 2024-03-05 00:00 → contrarian linear ×1.28",
    });
  });

  it("mirrors the index for a short unless told not to", () => {
    const order = testOrder(T + DAY + H, { side: "sell" });
    const mirrored = new SentimentLayer({ provider: daily }).check(order, testContext(order));
    expect(mirrored.scale).toBe(1.3);
    expect(mirrored.reason).toContain("fear-and-greed 80 (extreme greed) at 2024-03-06 00:00, read as 20 for a short");
    const plain = new SentimentLayer({ provider: daily, mirrorForShorts: false }).check(order, testContext(order));
    expect(plain.scale).toBe(0.7);
  });

  it("is neutral without data and says why", () => {
    const before = testOrder(T - 2 * H);
    expect(new SentimentLayer({ provider: daily }).check(before, testContext(before)).reason).toBe(
      "no sentiment data (fear-and-greed starts at 2024-03-05 00:00) → neutral ×1",
    );
    const stale = testOrder(T + 5 * DAY);
    const result = new SentimentLayer({ provider: daily }).check(stale, testContext(stale));
    expect(result.verdict).toBe("allow");
    expect(result.reason).toMatch(
      /^no sentiment data \(fear-and-greed last point 2024-03-06 00:00 is 4d1h old, limit 2d\)/,
    );
    const none = new SentimentLayer({ note: "no file" }).check(stale, testContext(stale));
    expect(none.reason).toBe("no sentiment data (no file) → neutral ×1");
  });

  it("rejects min above max", () => {
    expect(() => new SentimentLayer({ mapping: { min: 2, max: 1 } })).toThrow(/min <= max/);
  });
});
