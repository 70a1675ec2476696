import { describe, expect, it } from "vitest";
import { order, T0 } from "../testing/fixtures.js";
import { MaxOrderRate } from "./order-rate.js";

describe("MaxOrderRate", () => {
  it("denies the order that would be the fourth within 60 s at a limit of 3", () => {
    const layer = new MaxOrderRate({ maxPerMinute: 3 });
    expect(layer.check(order({ time: T0 })).verdict).toBe("allow");
    expect(layer.check(order({ time: T0 + 10_000 })).verdict).toBe("allow");
    expect(layer.check(order({ time: T0 + 20_000 })).verdict).toBe("allow");
    const r = layer.check(order({ time: T0 + 59_999 }));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toBe("3 orders in the last 60 s, max 3");
  });

  it("lets orders through again once the oldest is 60 s old", () => {
    const layer = new MaxOrderRate({ maxPerMinute: 2 });
    layer.check(order({ time: T0 }));
    layer.check(order({ time: T0 + 30_000 }));
    expect(layer.check(order({ time: T0 + 59_000 })).verdict).toBe("deny");
    expect(layer.check(order({ time: T0 + 60_000 })).verdict).toBe("allow");
  });

  it("does not count denied orders", () => {
    const layer = new MaxOrderRate({ maxPerMinute: 1 });
    layer.check(order({ time: T0 }));
    expect(layer.check(order({ time: T0 + 1000 })).verdict).toBe("deny");
    expect(layer.check(order({ time: T0 + 60_000 })).verdict).toBe("allow");
  });

  it("counts reduce-only orders but never refuses them", () => {
    const layer = new MaxOrderRate({ maxPerMinute: 1 });
    layer.check(order({ time: T0 }));
    const r = layer.check(order({ time: T0 + 1000, reduceOnly: true }));
    expect(r.verdict).toBe("allow");
    expect(r.reason).toContain("never refused");
    expect(layer.check(order({ time: T0 + 60_500 })).verdict).toBe("deny");
  });

  it("counts an order that arrives out of time order within its own window", () => {
    const layer = new MaxOrderRate({ maxPerMinute: 2 });
    layer.check(order({ time: T0 + 90_000 }));
    expect(layer.check(order({ time: T0 })).verdict).toBe("allow");
    expect(layer.check(order({ time: T0 + 1000 })).verdict).toBe("allow");
    expect(layer.check(order({ time: T0 + 2000 })).verdict).toBe("deny");
  });
});
