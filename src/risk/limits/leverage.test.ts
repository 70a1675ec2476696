import { describe, expect, it } from "vitest";
import { context, FakePortfolio, order } from "../testing/fixtures.js";
import { maxLeverage } from "./leverage.js";

describe("maxLeverage", () => {
  const layer = maxLeverage({ max: 10 });
  const ctx = context(new FakePortfolio(1000));

  it("denies leverage above the maximum, naming both", () => {
    const r = layer.check(order({ leverage: 20 }), ctx);
    expect(r.verdict).toBe("deny");
    expect(r.reason).toBe("leverage 20× above the maximum 10×");
  });

  it("allows leverage up to the maximum", () => {
    expect(layer.check(order({ leverage: 10 }), ctx).verdict).toBe("allow");
    expect(layer.check(order({ leverage: 1 }), ctx).verdict).toBe("allow");
  });

  it("denies leverage below 1 or not a number", () => {
    expect(layer.check(order({ leverage: 0.5 }), ctx).verdict).toBe("deny");
    expect(layer.check(order({ leverage: Number.NaN }), ctx).verdict).toBe("deny");
  });
});
