import { describe, expect, it } from "vitest";
import { context, FakePortfolio, order, T0 } from "../testing/fixtures.js";
import { maxOpenTrades, openTradesSchema } from "./open-trades.js";

const three = {
  "A/USDT": { quantity: 1, entry: 100 },
  "B/USDT": { quantity: -1, entry: 100 },
  "C/USDT": { quantity: 2, entry: 100 },
};

describe("max open trades", () => {
  it("denies a fourth trade while three are open, naming the count", () => {
    const result = maxOpenTrades({ max: 3 }).check(order(), context(new FakePortfolio(10_000, three)));
    expect(result).toEqual({ layer: "max-open-trades", verdict: "deny", reason: "3 trade(s) open, max 3" });
  });

  it("allows a third trade while two are open", () => {
    const { "A/USDT": a, "B/USDT": b } = three;
    const result = maxOpenTrades({ max: 3 }).check(
      order(),
      context(new FakePortfolio(10_000, { "A/USDT": a, "B/USDT": b })),
    );
    expect(result).toMatchObject({ verdict: "allow", reason: "3 of max 3 trades with this one" });
  });

  it("lets an order add to its symbol's open trade and a reversal replace it, however many are open", () => {
    const layer = maxOpenTrades({ max: 3 });
    const portfolio = new FakePortfolio(10_000, three);
    expect(layer.check(order({ symbol: "A/USDT" }), context(portfolio)).verdict).toBe("allow");
    expect(layer.check(order({ symbol: "B/USDT" }), context(portfolio)).verdict).toBe("allow");
    expect(layer.check(order({ reduceOnly: true }), context(portfolio)).verdict).toBe("allow");
  });

  it("counts entries of the same instant awaiting their fill, until the fill or a later decision", () => {
    const layer = maxOpenTrades({ max: 2 });
    const flat = new FakePortfolio(10_000);
    expect(layer.check(order({ symbol: "A/USDT" }), context(flat)).verdict).toBe("allow");
    expect(layer.check(order({ symbol: "B/USDT" }), context(flat)).verdict).toBe("allow");
    const third = layer.check(order({ symbol: "C/USDT" }), context(flat));
    expect(third).toMatchObject({ verdict: "deny", reason: "2 trade(s) open (incl. 2 awaiting fill), max 2" });
    // A's fill arrives: A is now a position, B still awaits.
    layer.onFill({ symbol: "A/USDT" } as Parameters<typeof layer.onFill>[0]);
    const withA = new FakePortfolio(10_000, { "A/USDT": { quantity: 1, entry: 100 } });
    expect(layer.check(order({ symbol: "C/USDT" }), context(withA)).verdict).toBe("deny");
    // One hour later B's entry never filled (another layer denied it): it no longer holds a slot.
    expect(layer.check(order({ symbol: "C/USDT", time: T0 + 3_600_000 }), context(withA)).verdict).toBe("allow");
  });

  it("defaults to enabled with 3, and rejects a fractional or zero maximum", () => {
    expect(openTradesSchema.parse({})).toEqual({ enabled: true, max: 3 });
    expect(() => openTradesSchema.parse({ max: 2.5 })).toThrow();
    expect(() => openTradesSchema.parse({ max: 0 })).toThrow();
  });
});
