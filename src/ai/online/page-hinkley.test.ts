import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { PageHinkley } from "./page-hinkley.js";

/** First index at which the detector fires over `values`, or -1. */
function firstDetection(detector: PageHinkley, values: readonly number[]): number {
  for (let i = 0; i < values.length; i++) if (detector.add(values[i] as number)) return i;
  return -1;
}

describe("PageHinkley", () => {
  // Trade returns of 0.5 % ± 2 % that drop to −0.5 % ± 2 % at trade 300: the change point is known.
  const stream = (seed: number) => {
    const random = createRandom(seed);
    return Array.from({ length: 600 }, (_, i) => random.normal(i < 300 ? 0.005 : -0.005, 0.02));
  };

  // Calibrated on other seeds (1000–1199): delta 0.002, threshold 0.8 gave 1 false alarm in 200 quiet streams and a
  // median delay of about 100 trades.
  const options = { delta: 0.002, threshold: 0.8 };

  it("finds a known drop at trade 300 after it, never before, with a median delay under 120 trades (200 streams)", () => {
    const delays: number[] = [];
    let early = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const at = firstDetection(new PageHinkley(options), stream(seed));
      if (at >= 0 && at < 300) early++;
      if (at >= 300) delays.push(at - 300);
    }
    delays.sort((a, b) => a - b);
    expect(early).toBe(0);
    expect(delays.length).toBeGreaterThanOrEqual(190);
    expect(delays[delays.length >> 1]).toBeLessThan(120);
  });

  it("raises at most 2 false alarms on 200 streams of 600 trades without a change", () => {
    let alarms = 0;
    for (let seed = 301; seed <= 500; seed++) {
      const random = createRandom(seed);
      const values = Array.from({ length: 600 }, () => random.normal(0.005, 0.02));
      if (firstDetection(new PageHinkley(options), values) >= 0) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(2);
  });

  it("ignores a rise in the mean (it watches for degradation)", () => {
    const random = createRandom(7);
    const values = Array.from({ length: 600 }, (_, i) => random.normal(i < 300 ? -0.005 : 0.01, 0.02));
    expect(firstDetection(new PageHinkley(options), values)).toBe(-1);
  });

  it("names a bad parameter or value", () => {
    expect(() => new PageHinkley({ threshold: 0 })).toThrow("page-hinkley: threshold must be > 0, got 0");
    expect(() => new PageHinkley({ threshold: 1 }).add(Number.NaN)).toThrow(
      "page-hinkley: value must be finite, got NaN",
    );
  });
});
