import { describe, expect, it } from "vitest";
import { context, FakePortfolio, order } from "../testing/fixtures.js";
import { maxPositionSize } from "./position-size.js";

describe("maxPositionSize", () => {
  const layer = maxPositionSize({ maxPct: 10 });

  it("allows an order whose position stays within 10 % of equity", () => {
    const r = layer.check(order({ quantity: 9, price: 100 }), context(new FakePortfolio(10_000)));
    expect(r.verdict).toBe("allow");
    expect(r.reason).toBe("position in TEST/USDT after the order within max 10 % of equity");
    // More than fits is cut, and the reason shows the numbers.
    expect(layer.check(order({ quantity: 11, price: 100 }), context(new FakePortfolio(10_000))).reason).toContain(
      "1100.00 = 11.00 % of equity",
    );
  });

  it("allows an order sized exactly at the cap", () => {
    expect(layer.check(order({ quantity: 10 }), context(new FakePortfolio(10_000))).verdict).toBe("allow");
  });

  it("scales an order down so the position is 10 % of equity", () => {
    const r = layer.check(order({ quantity: 50 }), context(new FakePortfolio(10_000)));
    expect(r.verdict).toBe("scale");
    expect(r.scale).toBeCloseTo(0.2, 12);
    expect(r.reason).toContain("max 10 %");
  });

  it("counts the existing position in the same direction", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: 6, entry: 100 } });
    const r = layer.check(order({ quantity: 8 }), context(p));
    expect(r.verdict).toBe("scale");
    expect(r.scale).toBeCloseTo(4 / 8, 12);
  });

  it("denies when the position is already at the cap", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: 10, entry: 100 } });
    const r = layer.check(order({ quantity: 1 }), context(p));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toContain("already 1000.00 = 10.00 % of equity");
  });

  it("measures a short the same way", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: -5, entry: 100 } });
    const r = layer.check(order({ side: "sell", quantity: 10 }), context(p));
    expect(r.verdict).toBe("scale");
    expect(r.scale).toBeCloseTo(0.5, 12);
  });

  it("never limits a reduce-only order", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: 50, entry: 100 } });
    expect(layer.check(order({ side: "sell", quantity: 50, reduceOnly: true }), context(p)).verdict).toBe("allow");
  });

  it("denies when equity is not positive", () => {
    const p = new FakePortfolio(100, { "TEST/USDT": { quantity: 10, entry: 100, mark: 80 } });
    expect(layer.check(order(), context(p)).reason).toContain("equity -100.00 is not positive");
  });
  it("measures an order against the position on its own: the engine closes the old position separately", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: 10, entry: 100 } });
    expect(layer.check(order({ side: "sell", quantity: 10 }), context(p)).verdict).toBe("allow");
    expect(layer.check(order({ side: "sell", quantity: 20 }), context(p)).scale).toBeCloseTo(0.5, 12);
  });
});
