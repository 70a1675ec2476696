import { describe, expect, it } from "vitest";
import type { Fill } from "../../domain/order.js";
import { context, FakePortfolio, order } from "../testing/fixtures.js";
import { MaxMarginRatio } from "./margin-ratio.js";

const filled = (symbol: string): Fill => ({
  clientOrderId: "x",
  symbol,
  side: "buy",
  quantity: 1,
  price: 100,
  fee: 0,
  time: 0,
  liquidity: "taker",
  reason: "",
});

describe("MaxMarginRatio", () => {
  it("allows an order while used margin / equity stays within the maximum", () => {
    const r = new MaxMarginRatio({ max: 0.8 }).check(
      order({ quantity: 40, leverage: 5 }),
      context(new FakePortfolio(1000)),
    );
    // 40 × 100 / 5 = 800 of 1000.
    expect(r.verdict).toBe("allow");
    expect(r.reason).toBe("margin ratio after the order within max 0.8");
    // One unit more is cut, and the reason shows the numbers: 41 × 100 / 5 = 820.
    const over = new MaxMarginRatio({ max: 0.8 }).check(
      order({ quantity: 41, leverage: 5 }),
      context(new FakePortfolio(1000)),
    );
    expect(over.reason).toContain("margin ratio after the order 0.820");
  });

  it("scales an order to the margin left", () => {
    const r = new MaxMarginRatio({ max: 0.8 }).check(order({ quantity: 10 }), context(new FakePortfolio(1000)));
    expect(r.verdict).toBe("scale");
    expect(r.scale).toBeCloseTo(0.8, 12);
  });

  it("counts the margin of known positions at their entry and leverage", () => {
    const layer = new MaxMarginRatio({ max: 0.8 });
    layer.onFill(filled("A/USDT"));
    // A: 20 × 100 / 4 = 500 of margin; 300 left → 3 units at 100 and leverage 1.
    const p = new FakePortfolio(1000, { "A/USDT": { quantity: 20, entry: 100, mark: 100, leverage: 4 } });
    const r = layer.check(order({ quantity: 6 }), context(p));
    expect(r.scale).toBeCloseTo(0.5, 12);
  });

  it("counts an existing position's margin at its own leverage", () => {
    const layer = new MaxMarginRatio({ max: 0.8 });
    // 2 × 100 at 10× locks 20 of 1000; an order of 7.5 × 100 at 1× would bring the ratio to 0.77.
    const p = new FakePortfolio(1000, { "A/USDT": { quantity: 2, entry: 100, leverage: 10 } });
    expect(layer.check(order({ symbol: "B/USDT", quantity: 7.5 }), context(p)).verdict).toBe("allow");
    expect(
      layer.check(
        order({ symbol: "C/USDT", quantity: 8 }),
        context(new FakePortfolio(1000, { "A/USDT": { quantity: 2, entry: 100, leverage: 10 } })),
      ).verdict,
    ).toBe("scale");
  });

  it("denies when the margin is already used up", () => {
    const layer = new MaxMarginRatio({ max: 0.8 });
    layer.onFill(filled("A/USDT"));
    const p = new FakePortfolio(1000, { "A/USDT": { quantity: 8, entry: 100 } });
    const r = layer.check(order(), context(p));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toContain("margin ratio already 0.800");
  });

  it("measures an order against the position as a new position, the old one's margin freed by its close", () => {
    const layer = new MaxMarginRatio({ max: 0.8 });
    const p = new FakePortfolio(1000, { "TEST/USDT": { quantity: 8, entry: 100 } });
    expect(layer.check(order({ side: "sell", quantity: 8 }), context(p)).verdict).toBe("allow");
    expect(layer.check(order({ side: "sell", quantity: 10 }), context(p)).scale).toBeCloseTo(0.8, 12);
  });

  it("counts margin of other symbols' orders awaiting their fill", () => {
    const layer = new MaxMarginRatio({ max: 0.8 });
    const flat = context(new FakePortfolio(1000));
    expect(layer.check(order({ symbol: "A/USDT", quantity: 5 }), flat).verdict).toBe("allow");
    const r = layer.check(order({ symbol: "B/USDT", quantity: 5 }), flat);
    expect(r.scale).toBeCloseTo(0.6, 12);
    expect(r.reason).toContain("incl. 500.00 for orders awaiting fill");
    layer.onFill(filled("A/USDT"));
    layer.onFill(filled("B/USDT"));
    expect(layer.check(order({ symbol: "C/USDT", quantity: 8 }), flat).verdict).toBe("allow");
  });
});
