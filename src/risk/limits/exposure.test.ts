import { describe, expect, it } from "vitest";
import type { Fill } from "../../domain/order.js";
import { context, FakePortfolio, order } from "../testing/fixtures.js";
import { maxExposure } from "./exposure.js";

describe("maxExposure", () => {
  const layer = maxExposure({ maxPct: 30 });

  it("allows an order while gross exposure stays within 30 % of equity", () => {
    const p = new FakePortfolio(10_000, { "A/USDT": { quantity: 10, entry: 100 } });
    const r = layer.check(order({ quantity: 20 }), context(p));
    expect(r.verdict).toBe("allow");
    expect(r.reason).toBe("gross exposure after the order within max 30 % of equity");
    // One unit more is cut, and the reason shows the numbers.
    expect(layer.check(order({ quantity: 21 }), context(p)).reason).toContain("3100.00 = 31.00 % of equity");
  });

  it("scales an order down to the room other positions leave", () => {
    const p = new FakePortfolio(10_000, {
      "A/USDT": { quantity: 10, entry: 100 },
      "B/USDT": { quantity: -5, entry: 200 },
    });
    const r = layer.check(order({ quantity: 20 }), context(p));
    expect(r.verdict).toBe("scale");
    expect(r.scale).toBeCloseTo(10 / 20, 12);
  });

  it("values other positions at their mark", () => {
    const p = new FakePortfolio(10_000, { "A/USDT": { quantity: 10, entry: 100, mark: 200 } });
    // equity 11 000 → cap 3300; A is 2000 at mark, leaving 1300 = 13 units at 100.
    const r = layer.check(order({ quantity: 26 }), context(p));
    expect(r.scale).toBeCloseTo(13 / 26, 12);
  });

  it("denies when the portfolio is already fully exposed", () => {
    const p = new FakePortfolio(10_000, { "A/USDT": { quantity: 30, entry: 100 } });
    const r = layer.check(order(), context(p));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toContain("already 3000.00 = 30.00 % of equity");
  });

  it("counts the order's own symbol once, after the order", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: 10, entry: 100 } });
    expect(layer.check(order({ quantity: 20 }), context(p)).verdict).toBe("allow");
    expect(layer.check(order({ quantity: 21 }), context(p)).verdict).toBe("scale");
  });

  it("never limits a reduce-only order", () => {
    const p = new FakePortfolio(10_000, { "TEST/USDT": { quantity: 100, entry: 100 } });
    expect(layer.check(order({ side: "sell", quantity: 100, reduceOnly: true }), context(p)).verdict).toBe("allow");
  });

  it("counts orders of other symbols awaiting their fill, until that symbol fills", () => {
    const layer = maxExposure({ maxPct: 30 });
    const flat = context(new FakePortfolio(10_000));
    expect(layer.check(order({ symbol: "A/USDT", quantity: 20 }), flat).verdict).toBe("allow");
    const r = layer.check(order({ symbol: "B/USDT", quantity: 20 }), flat);
    expect(r.scale).toBeCloseTo(0.5, 12);
    expect(r.reason).toContain("incl. 2000.00 of orders awaiting fill");
    layer.onFill({ symbol: "A/USDT" } as Fill);
    layer.onFill({ symbol: "B/USDT" } as Fill);
    expect(layer.check(order({ symbol: "C/USDT", quantity: 30 }), flat).verdict).toBe("allow");
  });
  it("measures an order against the position on its own: the engine closes the old position separately", () => {
    const p = new FakePortfolio(10_000, {
      "TEST/USDT": { quantity: 25, entry: 100 },
      "A/USDT": { quantity: 10, entry: 100 },
    });
    // A keeps 1000; the reversal may open 2000 on its own.
    expect(layer.check(order({ side: "sell", quantity: 40 }), context(p)).scale).toBeCloseTo(0.5, 12);
  });
});
