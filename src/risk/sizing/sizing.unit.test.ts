import { describe, expect, it } from "vitest";
import { defaultInstrument } from "../../domain/instrument.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { REGIME_CODE, REGIME_NAMES } from "../../strategy/regime/regime-config.js";
import { EMPTY_SNAPSHOT, type MarketSnapshot, REGIMES } from "../market-snapshot.js";
import type { ProposedOrder, RiskContext } from "../shield.js";
import { context as baseContext, order as baseOrder, FakePortfolio } from "../testing/fixtures.js";
import { createConfidenceScaling } from "./confidence-scaling.js";
import { kellyEstimate, kellySizer } from "./kelly.js";
import { createRegimeSizing } from "./regime-sizing.js";
import { fixedSizer, type SizingInput } from "./sizer.js";
import { createSizingLayers, sizingConfigSchema } from "./sizing-config.js";
import { createSizingLayer } from "./sizing-layer.js";
import { volatilityTargetSizer } from "./volatility-target.js";

const market = (overrides: Partial<MarketSnapshot> = {}): MarketSnapshot => ({
  ...EMPTY_SNAPSHOT,
  symbol: "BTC/USDT",
  index: 100,
  close: 100,
  volatility: 0.01,
  periodsPerYear: 8760,
  ...overrides,
});

const input = (overrides: Partial<SizingInput> = {}): SizingInput => ({
  symbol: "BTC/USDT",
  price: 100,
  equity: 10_000,
  takerFee: 0,
  leverage: 1,
  market: market(),
  trades: [],
  ...overrides,
});

let tradeId = 0;
const trade = (returnPct: number, symbol = "BTC/USDT"): ClosedTrade => ({
  id: ++tradeId,
  symbol,
  side: "long",
  quantity: 1,
  entryTime: 0,
  exitTime: 1,
  entryPrice: 100,
  exitPrice: 100 * (1 + returnPct),
  fees: 0,
  funding: 0,
  netPnl: 100 * returnPct,
  returnPct,
  exitReason: "test",
  barsHeld: 1,
});

/** 6 wins of +3 % and 4 losses of −2 %: p 0.6, b 1.5, f* = (0.6·1.5 − 0.4) / 1.5 = 1/3. */
const edge = (): ClosedTrade[] => [...Array(6)].map(() => trade(0.03)).concat([...Array(4)].map(() => trade(-0.02)));

const kellyOptions = { fraction: 0.5, cap: 0.25, minTrades: 10, lookbackTrades: 100, scope: "all" as const };

const order = (overrides: Partial<ProposedOrder> = {}): ProposedOrder =>
  baseOrder({ symbol: "BTC/USDT", quantity: 100, confidence: 1, time: 0, ...overrides });

const context = (overrides: Partial<MarketSnapshot> = {}, equity = 10_000): RiskContext => ({
  ...baseContext(new FakePortfolio(equity), defaultInstrument("BTC/USDT", { takerFee: 0 })),
  time: 0,
  market: market(overrides),
});

describe("Kelly", () => {
  it("estimates f* = (p·b − q) / b from win rate and payoff", () => {
    const estimate = kellyEstimate(edge(), kellyOptions);
    expect(estimate).toMatchObject({ trades: 10, winRate: 0.6 });
    if ("unavailable" in estimate) throw new Error("expected an estimate");
    expect(estimate.payoff).toBeCloseTo(1.5, 12);
    expect(estimate.full).toBeCloseTo(1 / 3, 12);
    expect(estimate.applied).toBeCloseTo(1 / 6, 12);
  });

  it("sizes half Kelly as a share of equity: 1/6 of 10 000 at 100 = 16.67 units", () => {
    const decision = kellySizer(kellyOptions, { type: "percent-equity", value: 5 })(input({ trades: edge() }));
    expect(decision.quantity).toBeCloseTo(10_000 / 6 / 100, 10);
    expect(decision.reason).toMatch(/Kelly: p 0.600, b 1.500 over 10 trades, f\* 0.333 × 0.5 = 0.1667 of equity/);
  });

  it("caps the share of equity", () => {
    const decision = kellySizer(
      { ...kellyOptions, cap: 0.1 },
      { type: "percent-equity", value: 5 },
    )(input({ trades: edge() }));
    expect(decision.quantity).toBeCloseTo(10, 10);
    expect(decision.reason).toMatch(/capped at 0.1/);
  });

  it("falls back below the minimum trade count and says so", () => {
    const decision = kellySizer(kellyOptions, { type: "percent-equity", value: 5 })(input({ trades: edge().slice(1) }));
    expect(decision.quantity).toBeCloseTo(5, 10);
    expect(decision.reason).toBe("Kelly n/a (9 closed trades, fewer than the 10 Kelly needs): fallback 5% of equity");
  });

  it("sizes nothing without an edge, and f* = p without losses", () => {
    const losing = [...Array(5)].map(() => trade(0.01)).concat([...Array(5)].map(() => trade(-0.02)));
    const none = kellySizer(kellyOptions, { type: "percent-equity", value: 5 })(input({ trades: losing }));
    expect(none.quantity).toBe(0);
    expect(none.reason).toMatch(/no edge .* f\* -0.500/);
    const perfect = kellyEstimate(
      [...Array(10)].map(() => trade(0.01)),
      kellyOptions,
    );
    expect(perfect).toMatchObject({ full: 1, applied: 0.25, payoff: Number.POSITIVE_INFINITY });
  });

  it("uses only the last lookbackTrades, and only the symbol's trades with scope symbol", () => {
    const old = [...Array(10)].map(() => trade(-0.05));
    expect(kellyEstimate([...old, ...edge()], { ...kellyOptions, lookbackTrades: 10 })).toMatchObject({ winRate: 0.6 });
    const other = [...Array(10)].map(() => trade(-0.05, "ETH/USDT"));
    const scoped = kellyEstimate([...edge(), ...other], { ...kellyOptions, scope: "symbol" }, "BTC/USDT");
    expect(scoped).toMatchObject({ trades: 10, winRate: 0.6 });
  });
});

describe("volatility targeting", () => {
  it("sizes the notional so that it moves 20 % of equity a year: 0.01 × √8760 = 93.6 % → 21.37 % of equity", () => {
    const decision = volatilityTargetSizer(
      { target: 0.2, maxExposure: 1 },
      { type: "percent-equity", value: 5 },
    )(input());
    const annual = 0.01 * Math.sqrt(8760);
    expect(decision.quantity).toBeCloseTo((0.2 * 10_000) / annual / 100, 10);
    expect(decision.reason).toMatch(/annualised 0.9359 = 0.2137 × equity/);
  });

  it("caps the notional at maxExposure × equity in calm markets", () => {
    const decision = volatilityTargetSizer(
      { target: 0.2, maxExposure: 1 },
      { type: "percent-equity", value: 5 },
    )(input({ market: market({ volatility: 0.0005 }) }));
    expect(decision.quantity).toBeCloseTo(100, 10);
    expect(decision.reason).toMatch(/capped at 1 × equity/);
  });

  it("falls back while the volatility warms up", () => {
    const decision = volatilityTargetSizer(
      { target: 0.2, maxExposure: 1 },
      { type: "fixed-quote", value: 500 },
    )(input({ market: market({ volatility: Number.NaN }) }));
    expect(decision.quantity).toBe(5);
    expect(decision.reason).toMatch(/volatility target n\/a .* fallback 500 quote/);
  });
});

describe("fixed sizers", () => {
  it("reuse quantityFor for base, quote and share of equity", () => {
    expect(fixedSizer({ type: "fixed-base", value: 2 })(input()).quantity).toBe(2);
    expect(fixedSizer({ type: "fixed-quote", value: 1000 })(input()).quantity).toBe(10);
    expect(fixedSizer({ type: "percent-equity", value: 10 })(input({ leverage: 3 })).quantity).toBeCloseTo(30, 10);
  });
});

describe("sizing layers", () => {
  it("rescale the engine's base quantity to the sizer's, and leave reducing orders alone", () => {
    const layer = createSizingLayer("sizing:fixed", fixedSizer({ type: "percent-equity", value: 10 }));
    const result = layer.check(order({ quantity: 100 }), context());
    expect(result).toMatchObject({ verdict: "scale", scale: 0.1 });
    expect(result.reason).toBe("fixed size 10% of equity: quantity 10 instead of 100");
    expect(layer.check(order({ reduceOnly: true }), context()).verdict).toBe("allow");
  });

  it("learn closed trades from fills for Kelly", () => {
    const layer = createSizingLayer("sizing:kelly", kellySizer(kellyOptions, { type: "percent-equity", value: 5 }));
    for (const t of edge()) layer.onFill?.({} as never, t);
    layer.onFill?.({} as never, undefined);
    expect(layer.trades).toHaveLength(10);
    expect(layer.check(order(), context()).scale).toBeCloseTo(1 / 6, 10);
  });

  it("scale by confidence^1.5", () => {
    const layer = createConfidenceScaling();
    expect(layer.check(order({ confidence: 0.81 }), context()).scale).toBeCloseTo(0.729, 12);
    expect(layer.check(order({ confidence: 1 }), context())).toMatchObject({ verdict: "allow" });
    expect(layer.check(order({ confidence: Number.NaN }), context()).reason).toMatch(/confidence unknown/);
    expect(() => createConfidenceScaling(-1)).toThrow(/exponent/);
  });

  it("scale by regime: bull 1.2, bear 0.8, crash 0.3, sideways 0.7, high volatility 0.5, unknown 1.0", () => {
    const layer = createRegimeSizing();
    const scales = REGIMES.map((regime) => layer.check(order(), context({ regime })).scale);
    expect(scales).toEqual([1.2, 0.8, 0.3, 0.7, 0.5]);
    const unknown = layer.check(order(), context({ regime: undefined }));
    expect(unknown).toMatchObject({ verdict: "allow", reason: "regime unknown: size × 1 (neutral default)" });
  });

  it("share regime codes with the detector: its code k is REGIMES[k]", () => {
    expect([...REGIME_NAMES]).toEqual([...REGIMES]);
    for (const [k, name] of REGIMES.entries()) expect(REGIME_CODE[name]).toBe(k);
  });
});

describe("sizing config", () => {
  it("defaults to the strategy's size with confidence and regime multipliers", () => {
    const config = sizingConfigSchema.parse({});
    expect(config).toMatchObject({
      method: "strategy",
      kelly: { fraction: 0.5, cap: 0.25, minTrades: 20, fallbackSize: "5%" },
      volatilityTarget: { target: 0.2, maxExposure: 1 },
      confidenceScaling: { enabled: true, exponent: 1.5 },
      regimeAdjustment: { enabled: true, bull: 1.2, unknown: 1 },
    });
    expect(createSizingLayers(config).map((l) => l.name)).toEqual(["confidence-scaling", "regime-sizing"]);
  });

  it("builds the chosen base method first and can switch every layer off", () => {
    const config = sizingConfigSchema.parse({
      method: "kelly",
      confidenceScaling: { enabled: false },
      regimeAdjustment: { enabled: false },
    });
    const layers = createSizingLayers(config);
    expect(layers.map((l) => [l.name, l.phase])).toEqual([["sizing:kelly", "adjust"]]);
  });

  it("rejects unknown keys and bad sizes, naming them", () => {
    expect(() => sizingConfigSchema.parse({ kelly: { fractoin: 0.5 } })).toThrow(/fractoin/);
    expect(() => sizingConfigSchema.parse({ method: "fixed", size: "ten" })).toThrow(/invalid --size .{0,2}ten/);
    expect(() => sizingConfigSchema.parse({ kelly: { minTrades: 50, lookbackTrades: 10 } })).toThrow(/lookbackTrades/);
  });
});
