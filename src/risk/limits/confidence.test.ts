import { describe, expect, it } from "vitest";
import { context, FakePortfolio, order } from "../testing/fixtures.js";
import { minConfidence } from "./confidence.js";

describe("minConfidence", () => {
  const layer = minConfidence({ min: 0.7 });
  const ctx = context(new FakePortfolio(1000));

  it("denies an order below the minimum confidence with both numbers", () => {
    const r = layer.check(order({ confidence: 0.65 }), ctx);
    expect(r).toEqual({ layer: "min-confidence", verdict: "deny", reason: "confidence 0.65 below the minimum 0.70" });
  });

  it("allows an order at or above the minimum", () => {
    expect(layer.check(order({ confidence: 0.7 }), ctx).verdict).toBe("allow");
    expect(layer.check(order({ confidence: 1 }), ctx).verdict).toBe("allow");
  });

  it("denies a confidence that is not a number", () => {
    expect(layer.check(order({ confidence: Number.NaN }), ctx).verdict).toBe("deny");
  });

  it("lets a reduce-only order through whatever its confidence", () => {
    expect(layer.check(order({ confidence: 0.1, reduceOnly: true }), ctx).verdict).toBe("allow");
  });
});
