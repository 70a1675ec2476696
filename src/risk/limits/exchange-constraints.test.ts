import { describe, expect, it } from "vitest";
import { defaultInstrument } from "../../domain/instrument.js";
import { context, FakePortfolio, order } from "../testing/fixtures.js";
import { exchangeConstraints } from "./exchange-constraints.js";

describe("exchangeConstraints", () => {
  const layer = exchangeConstraints();
  const btc = defaultInstrument("BTC/USDT", { lotSize: 0.0001, minQuantity: 0.0002, minNotional: 5, tickSize: 0.01 });
  const ctx = context(new FakePortfolio(1000), btc);
  const btcOrder = (quantity: number, price = 40_000) => order({ symbol: "BTC/USDT", quantity, price });

  it("denies an order value below the minimum notional, naming value, minimum and symbol", () => {
    const r = layer.check(order({ symbol: "BTC/USDT", quantity: 0.0008, price: 4000 }), ctx);
    expect(r.verdict).toBe("deny");
    expect(r.reason).toBe("notional 3.20 below minimum 5 of BTC/USDT");
  });

  it("checks the notional of the quantity rounded down to the lot size", () => {
    // 0.00129 → 0.0012 at lot 0.0001; 0.0012 × 4000 = 4.80 < 5.
    expect(layer.check(order({ symbol: "BTC/USDT", quantity: 0.00129, price: 4000 }), ctx).reason).toBe(
      "notional 4.80 below minimum 5 of BTC/USDT",
    );
  });

  it("denies a quantity that rounds to zero at the lot size", () => {
    expect(layer.check(btcOrder(0.00005), ctx).reason).toBe(
      "quantity 0.00005 rounds to 0 at lot size 0.0001 of BTC/USDT",
    );
  });

  it("denies a quantity below the minimum quantity", () => {
    expect(layer.check(btcOrder(0.00015), ctx).reason).toBe("quantity 0.0001 below minimum 0.0002 of BTC/USDT");
  });

  it("denies a price the tick size cannot express", () => {
    const tiny = defaultInstrument("SHIB/USDT", { tickSize: 0.01, minNotional: 0 });
    const r = layer.check(
      order({ symbol: "SHIB/USDT", quantity: 1_000_000, price: 0.000012 }),
      context(new FakePortfolio(100), tiny),
    );
    expect(r.reason).toBe("price 0.000012 rounds to 0 at tick size 0.01 of SHIB/USDT");
  });

  it("allows an order within every constraint", () => {
    const r = layer.check(btcOrder(0.01), ctx);
    expect(r.verdict).toBe("allow");
    expect(r.reason).toContain("within the limits of BTC/USDT");
  });

  it("lets a reduce-only order through (the venue does not apply min notional to it)", () => {
    expect(
      layer.check(order({ symbol: "BTC/USDT", quantity: 0.0001, price: 100, reduceOnly: true }), ctx).verdict,
    ).toBe("allow");
  });
});
