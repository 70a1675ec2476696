import { describe, expect, it } from "vitest";
import { stddev } from "./stddev.js";
import { LogReturnVolatilityStream, logReturnVolatility } from "./volatility.js";

function naive(close: number[], period: number): number[] {
  return close.map((_, i) => {
    if (i < period) return Number.NaN;
    const r: number[] = [];
    for (let k = i - period + 1; k <= i; k++) r.push(Math.log(close[k]! / close[k - 1]!));
    const mean = r.reduce((a, b) => a + b, 0) / period;
    return Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / period);
  });
}

describe("logReturnVolatility", () => {
  const close = Array.from(
    { length: 300 },
    (_, i) => 100 * Math.exp(0.01 * Math.sin(i / 3) + 0.002 * i + 0.02 * Math.cos(i * 1.7)),
  );

  it("equals the population std of log returns, first output at index period", () => {
    const got = logReturnVolatility(close, 20);
    const want = naive(close, 20);
    for (let i = 0; i < close.length; i++) {
      if (Number.isNaN(want[i]!)) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-9);
    }
  });

  it("streams the same values, and peek does not change state", () => {
    const batch = logReturnVolatility(close, 10);
    const stream = new LogReturnVolatilityStream(10);
    for (let i = 0; i < close.length; i++) {
      stream.peek(close[i]! * 1.5);
      const v = stream.update(close[i]!);
      if (Number.isNaN(batch[i]!)) expect(v).toBeNaN();
      else expect(v).toBeCloseTo(batch[i]!, 12);
    }
  });

  it("is bit-identical to stddev over a separate array of log returns (the computation it replaces)", () => {
    const prices = Float64Array.from(close);
    // A flat stretch (variance at TA-Lib's epsilon) and a NaN (propagates to every later output) as well.
    prices.fill(120.1, 100, 140);
    const withNaN = Float64Array.from(prices);
    withNaN[250] = Number.NaN;
    for (const input of [prices, withNaN]) {
      for (const period of [2, 3, 20, 299, 300]) {
        const returns = new Float64Array(input.length - 1);
        for (let i = 1; i < input.length; i++) returns[i - 1] = Math.log(input[i]! / input[i - 1]!);
        const want = new Float64Array(input.length).fill(Number.NaN);
        if (input.length > period) want.set(stddev(returns, period).subarray(period - 1), period);
        const got = logReturnVolatility(input, period);
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i])).toBe(true);
      }
    }
  });

  it("is all NaN when the input is not longer than the period", () => {
    expect([...logReturnVolatility([1, 2, 3], 3)].every(Number.isNaN)).toBe(true);
  });
});
