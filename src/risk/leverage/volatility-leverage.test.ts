import { describe, expect, it } from "vitest";
import { defaultInstrument } from "../../domain/instrument.js";
import { EMPTY_SNAPSHOT } from "../market-snapshot.js";
import type { ProposedOrder, RiskContext } from "../shield.js";
import { context as baseContext, order as baseOrder, FakePortfolio, type FakePosition } from "../testing/fixtures.js";
import { createLeverageGuard, createLeverageLayers, leverageGuardSchema } from "./volatility-leverage.js";

/** Per-bar volatility whose annualised value over 8760 bars a year is `annual`. */
const perBar = (annual: number) => annual / Math.sqrt(8760);

const order = (overrides: Partial<ProposedOrder> = {}): ProposedOrder =>
  baseOrder({ symbol: "BTC/USDT", quantity: 100, confidence: 1, time: 0, ...overrides });

/** `held` BTC at 100; `gross` beyond that is another symbol's position (exposure that is not this symbol's). */
function context(volatility: number, held = 0, gross = Math.abs(held) * 100): RiskContext {
  const positions: Record<string, FakePosition> = {};
  if (held !== 0) positions["BTC/USDT"] = { quantity: held, entry: 100 };
  const other = gross - Math.abs(held) * 100;
  if (other > 0) positions["ETH/USDT"] = { quantity: other / 100, entry: 100 };
  return {
    ...baseContext(new FakePortfolio(10_000, positions), defaultInstrument("BTC/USDT")),
    time: 0,
    market: { ...EMPTY_SNAPSHOT, volatility, periodsPerYear: 8760 },
  };
}

/** The arithmetic below is easiest to read with a target of 100 %; the default (2) has its own test. */
const guard = (overrides: Record<string, unknown> = {}) =>
  createLeverageGuard(leverageGuardSchema.parse({ targetVolatility: 1, ...overrides }));

describe("volatility-adjusted leverage guard", () => {
  it("allows 2× exposure when 50 % volatility gives a maximum of 100 % / 50 % = 2×", () => {
    const result = guard().check(order({ quantity: 200, leverage: 2 }), context(perBar(0.5)));
    expect(result).toEqual({
      layer: "volatility-leverage",
      verdict: "allow",
      reason:
        "exposure after the order within the volatility-adjusted max leverage (target 100.0% / annualised volatility, between 1× and 10×; 1× while the volatility is unknown)",
    });
    // Just above the maximum the order is cut, and the reason shows how the maximum was found.
    const over = guard().check(order({ quantity: 202, leverage: 2 }), context(perBar(0.5)));
    expect(over.verdict).toBe("scale");
    expect(over.reason).toMatch(
      /^exposure after the order 2\.02× equity, max 2\.00× = target 100\.0% \/ annualised volatility 50\.0%/,
    );
  });

  it("scales an order down to the maximum exposure, counting what is already open", () => {
    // Max 1.25× at 80 % volatility: 12 500 of exposure; 5 000 already open leaves 7 500 of the 10 000 asked.
    const result = guard().check(order({ quantity: 100 }), context(perBar(0.8), 50));
    expect(result.verdict).toBe("scale");
    expect(result.scale).toBeCloseTo(0.75, 12);
    expect(result.reason).toMatch(/exposure after the order 1.50× equity, max 1.25×.*size × 0.7500/);
  });

  it("does not count the position the order reverses", () => {
    const result = guard().check(order({ side: "sell", quantity: 100 }), context(perBar(0.8), 50));
    expect(result.verdict).toBe("allow");
  });

  it("denies instead of scaling with action deny, and when no room is left", () => {
    expect(guard({ action: "deny" }).check(order({ quantity: 150 }), context(perBar(0.8))).verdict).toBe("deny");
    expect(guard().check(order({ quantity: 10 }), context(perBar(0.8), 0, 12_500)).verdict).toBe("deny");
  });

  it("denies an order whose leverage setting is above the maximum, whatever its size", () => {
    const result = guard().check(order({ quantity: 1, leverage: 3 }), context(perBar(0.5)));
    expect(result.verdict).toBe("deny");
    expect(result.reason).toMatch(/order leverage 3× above the volatility-adjusted max 2.00×/);
    expect(
      guard({ checkOrderLeverage: false }).check(order({ quantity: 1, leverage: 3 }), context(perBar(0.5))).verdict,
    ).toBe("allow");
  });

  it("never goes below 1× nor above the cap, and falls back while volatility is unknown", () => {
    expect(guard().check(order({ quantity: 100 }), context(perBar(5))).verdict).toBe("allow");
    expect(guard().check(order({ quantity: 1000, leverage: 10 }), context(perBar(0.01))).verdict).toBe("allow");
    expect(guard().check(order({ quantity: 1010, leverage: 10 }), context(perBar(0.01))).reason).toMatch(/max 10.00×/);
    const warmup = guard().check(order({ quantity: 150, leverage: 1 }), context(Number.NaN));
    expect(warmup.reason).toMatch(/max 1× while the volatility is unknown/);
    expect(warmup.scale).toBeCloseTo(100 / 150, 12);
  });

  it("by default lets 3× through at 60 % annualised volatility (max 3.33×) and denies it at 70 % (max 2.86×)", () => {
    const defaults = createLeverageGuard(leverageGuardSchema.parse({}));
    expect(defaults.check(order({ quantity: 1, leverage: 3 }), context(perBar(0.6))).verdict).toBe("allow");
    const denied = defaults.check(order({ quantity: 1, leverage: 3 }), context(perBar(0.7)));
    expect(denied.verdict).toBe("deny");
    expect(denied.reason).toMatch(/max 2\.86× = target 200\.0% \/ annualised volatility 70\.0%/);
  });

  it("lets reduce-only orders through and is built only when enabled", () => {
    expect(guard().check(order({ reduceOnly: true, leverage: 50 }), context(perBar(3))).verdict).toBe("allow");
    expect(createLeverageLayers(leverageGuardSchema.parse({ enabled: false }))).toEqual([]);
    expect(createLeverageLayers(leverageGuardSchema.parse({})).map((l) => [l.name, l.phase])).toEqual([
      ["volatility-leverage", "limit"],
    ]);
    expect(() => leverageGuardSchema.parse({ targetVol: 1 })).toThrow(/targetVol/);
  });
});
