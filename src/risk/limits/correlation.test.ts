import { describe, expect, it } from "vitest";
import { context, FakePortfolio, order, T0 } from "../testing/fixtures.js";
import { correlationSchema, maxCorrelatedExposure } from "./correlation.js";

const HOUR = 3_600_000;

/** A layer that has seen 30 hourly bars of A, B (A's moves) and C (A's moves mirrored), ending before T0. */
function layer(maxPct = 15) {
  const l = maxCorrelatedExposure({ threshold: 0.8, windowBars: 20, maxPct });
  let price = 100;
  for (let i = 0; i < 30; i++) {
    price *= i % 3 === 0 ? 1.02 : 0.99;
    const time = T0 - (30 - i) * HOUR;
    l.onBar("A/USDT", time, price);
    l.onBar("B/USDT", time, price * 2);
    l.onBar("C/USDT", time, 10_000 / price);
  }
  return l;
}

describe("max correlated exposure", () => {
  it("scales a buy of B down so that B with the correlated long A stays within 15 % of equity", () => {
    // A: 10 long at 100 = 1 000; B asks for 10 at 100 = 1 000; cap 1 500 leaves 500 → 5 of B.
    const portfolio = new FakePortfolio(10_000, { "A/USDT": { quantity: 10, entry: 100 } });
    const result = layer().check(order({ symbol: "B/USDT", quantity: 10 }), context(portfolio));
    expect(result.verdict).toBe("scale");
    expect(result.scale).toBeCloseTo(0.5, 12);
    expect(result.reason).toBe(
      "exposure correlated with B/USDT (A/USDT ρ 1.00) 2000.00 = 20.00 % of equity after the order, max 15 %: size × 0.5000",
    );
  });

  it("counts a short in a mirrored symbol as the same risk, and a long in it as a hedge", () => {
    const shortC = new FakePortfolio(10_000, { "C/USDT": { quantity: -15, entry: 100 } });
    expect(layer().check(order({ symbol: "B/USDT", quantity: 1 }), context(shortC)).verdict).toBe("deny");
    const longC = new FakePortfolio(10_000, { "C/USDT": { quantity: 15, entry: 100 } });
    expect(layer().check(order({ symbol: "B/USDT", quantity: 10 }), context(longC)).verdict).toBe("allow");
  });

  it("lets an order through when no correlated position is open, and a closing order always", () => {
    const flat = new FakePortfolio(10_000);
    expect(layer().check(order({ symbol: "B/USDT", quantity: 50 }), context(flat))).toMatchObject({
      verdict: "allow",
      reason: "no open position correlated at 0.8 or more over 20 bars",
    });
    const full = new FakePortfolio(10_000, { "A/USDT": { quantity: 100, entry: 100 } });
    expect(layer().check(order({ symbol: "B/USDT", reduceOnly: true }), context(full)).verdict).toBe("allow");
  });

  it("counts an entry of the same instant awaiting its fill, and forgets it at its fill", () => {
    const l = layer();
    const flat = new FakePortfolio(10_000);
    expect(l.check(order({ symbol: "A/USDT", quantity: 10 }), context(flat)).verdict).toBe("allow");
    expect(l.check(order({ symbol: "B/USDT", quantity: 10 }), context(flat)).verdict).toBe("scale");
    l.onFill({ symbol: "A/USDT" } as Parameters<typeof l.onFill>[0]);
    expect(l.check(order({ symbol: "B/USDT", quantity: 10, time: T0 + HOUR }), context(flat)).verdict).toBe("allow");
  });

  it("defaults to a 0.8 threshold over 168 bars and 15 % of equity, and rejects a threshold above 1", () => {
    expect(correlationSchema.parse({})).toEqual({ enabled: true, threshold: 0.8, windowBars: 168, maxPct: 15 });
    expect(() => correlationSchema.parse({ threshold: 1.2 })).toThrow();
  });
});
