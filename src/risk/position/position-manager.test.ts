import { describe, expect, it } from "vitest";
import { EMPTY_SNAPSHOT, type MarketSnapshot } from "../market-snapshot.js";
import { type PositionManagementConfig, positionManagementSchema } from "./position-config.js";
import { createPositionManager, type PositionManagementDependencies } from "./position-manager.js";
import type { ManagedPositionView, PositionAction } from "./types.js";

type Overrides = Omit<Partial<ManagedPositionView>, "market"> & {
  market?: Partial<MarketSnapshot>;
  liquidationPrice?: number;
};

const view = (overrides: Overrides = {}): ManagedPositionView => {
  const { market, ...rest } = overrides;
  return {
    symbol: "BTC/USDT",
    side: "long",
    quantity: 4,
    entryPrice: 100,
    barsHeld: 0,
    stop: undefined,
    leverage: 1,
    liquidationPrice: undefined,
    time: 0,
    market: { ...EMPTY_SNAPSHOT, symbol: "BTC/USDT", close: 100, high: 100, low: 100, atr: 1, ...market },
    ...rest,
  };
};

/** Only the parts under test switched on. */
function config(parts: Record<string, unknown>): PositionManagementConfig {
  const off = { enabled: false };
  return positionManagementSchema.parse({
    stopLoss: off,
    takeProfit: off,
    trailingStop: off,
    breakEven: off,
    partialTakeProfit: off,
    timeExit: off,
    liquidationGuard: off,
    ...parts,
  });
}

const manager = (parts: Record<string, unknown>, deps?: PositionManagementDependencies) =>
  createPositionManager(config(parts), deps);
const stops = (actions: readonly PositionAction[]) =>
  actions.flatMap((a) => (a.kind === "set-stop" ? [Number(a.price.toFixed(10))] : []));

describe("initial stop", () => {
  it("sits the regime's ATR multiple below a long's entry: bull 2.5, bear 1.5, crash 1, sideways 2, high vol 1.5", () => {
    const m = manager({ stopLoss: {} });
    const regimes = ["bull", "bear", "crash", "sideways", "highVolatility"] as const;
    const prices = regimes.map((regime) => stops(m.onOpen(view({ market: { atr: 2, regime } })))[0]);
    expect(prices).toEqual([95, 97, 98, 96, 97]);
  });

  it("uses 2 ATR when the regime is unknown, and sits above a short's entry", () => {
    const actions = manager({ stopLoss: {} }).onOpen(view({ side: "short", market: { atr: 2 } }));
    expect(actions).toEqual([
      { kind: "set-stop", price: 104, reason: "initial stop: 2 ATR (regime unknown, ATR 2.0000)" },
    ]);
  });

  it("takes a fixed share of entry with method percent, or while the ATR is unknown", () => {
    expect(stops(manager({ stopLoss: { method: "percent", percent: 3 } }).onOpen(view()))).toEqual([97]);
    const warmup = manager({ stopLoss: {} }).onOpen(view({ market: { atr: Number.NaN } }));
    expect(warmup).toEqual([{ kind: "set-stop", price: 98, reason: "initial stop: 2% of entry (ATR not known yet)" }]);
  });

  it("never widens the strategy's stop, only tightens it", () => {
    const m = manager({ stopLoss: {} });
    expect(m.onOpen(view({ stop: 99, market: { atr: 1 } }))).toEqual([]);
    expect(stops(m.onOpen(view({ stop: 90, market: { atr: 1 } })))).toEqual([98]);
  });

  it("multiplies the stop distance by the stop-tightening factor at entry (whale inflow)", () => {
    const m = manager({ stopLoss: {} }, { stopTightening: (time) => (time === 5 ? 0.5 : 1) });
    const actions = m.onOpen(view({ time: 5, market: { atr: 2 } }));
    expect(actions).toEqual([
      {
        kind: "set-stop",
        price: 98,
        reason: "initial stop: 2 ATR (regime unknown, ATR 2.0000), × 0.5 stop tightening",
      },
    ]);
    expect(stops(m.onOpen(view({ time: 6, market: { atr: 2 } })))).toEqual([96]);
    // It also tightens the strategy's own stop when the manager's stop is off.
    const strategyOnly = manager({}, { stopTightening: () => 0.5 });
    expect(stops(strategyOnly.onOpen(view({ stop: 90 })))).toEqual([95]);
  });

  it("ignores a tightening factor outside (0, 1]", () => {
    for (const factor of [0, 1.5, Number.NaN]) {
      expect(stops(manager({ stopLoss: {} }, { stopTightening: () => factor }).onOpen(view()))).toEqual([98]);
    }
  });
});

describe("take-profit and partial take-profit", () => {
  it("rests 25 % at 1R, 2R and 3R as reduce-only limits, R being the initial stop distance", () => {
    const actions = manager({ stopLoss: {}, partialTakeProfit: {} }).onOpen(view({ market: { atr: 1.5 } }));
    expect(actions.slice(1)).toEqual([
      { kind: "reduce", quantity: 1, limitPrice: 103, reason: "partial take-profit 25% at 1R" },
      { kind: "reduce", quantity: 1, limitPrice: 106, reason: "partial take-profit 25% at 2R" },
      { kind: "reduce", quantity: 1, limitPrice: 109, reason: "partial take-profit 25% at 3R" },
    ]);
  });

  it("takes R = 2 % of entry without any stop, mirrored for a short", () => {
    const actions = manager({ partialTakeProfit: {} }).onOpen(view({ side: "short" }));
    expect(actions.map((a) => (a.kind === "reduce" ? a.limitPrice : undefined))).toEqual([98, 96, 94]);
  });

  it("rests a full take-profit at an R multiple or a share of entry", () => {
    const byR = manager({ stopLoss: {}, takeProfit: { enabled: true, rMultiple: 4 } }).onOpen(view());
    expect(byR[1]).toEqual({ kind: "reduce", quantity: 4, limitPrice: 108, reason: "take-profit at 4R" });
    const byPercent = manager({ takeProfit: { enabled: true, method: "percent", percent: 5 } }).onOpen(view());
    expect(byPercent).toEqual([{ kind: "reduce", quantity: 4, limitPrice: 105, reason: "take-profit at 5%" }]);
  });
});

describe("break-even and trailing stop", () => {
  it("moves the stop to entry + 0.05 % once the best close is +0.5 % away, and not before", () => {
    const m = manager({ stopLoss: {}, breakEven: {} });
    m.onOpen(view());
    expect(m.onBar(view({ stop: 98, market: { close: 100.4 } }))).toEqual([]);
    const actions = m.onBar(view({ stop: 98, market: { close: 100.5 } }));
    expect(stops(actions)).toEqual([100.05]);
  });

  it("mirrors break-even for a short", () => {
    const m = manager({ breakEven: {} });
    m.onOpen(view({ side: "short" }));
    expect(stops(m.onBar(view({ side: "short", market: { close: 99.5 } })))).toEqual([99.95]);
  });

  it("trails 0.5 % behind the best close once it is +1 % away, and never moves back", () => {
    const m = manager({ trailingStop: {} });
    m.onOpen(view());
    expect(m.onBar(view({ market: { close: 100.9 } }))).toEqual([]);
    expect(stops(m.onBar(view({ market: { close: 102 } })))).toEqual([101.49]);
    // A lower close keeps the best price; the broker's current stop is already there: nothing to do.
    expect(m.onBar(view({ stop: 101.49, market: { close: 101 } }))).toEqual([]);
    expect(stops(m.onBar(view({ stop: 101.49, market: { close: 104 } })))).toEqual([103.48]);
  });

  it("trails 1.5 ATR with method atr, mirrored for a short", () => {
    const m = manager({ trailingStop: { method: "atr" } });
    m.onOpen(view({ side: "short" }));
    expect(stops(m.onBar(view({ side: "short", market: { close: 98, atr: 0.4 } })))).toEqual([98.6]);
  });

  it("prefers the tighter of break-even and trail, and leaves a tighter broker stop alone", () => {
    const m = manager({ breakEven: {}, trailingStop: {} });
    m.onOpen(view());
    expect(stops(m.onBar(view({ market: { close: 101 } })))).toEqual([100.495]);
    expect(m.onBar(view({ stop: 100.6, market: { close: 101 } }))).toEqual([]);
  });

  it("counts the entry bar's own close (a market entry fills at its open)", () => {
    expect(stops(manager({ breakEven: {} }).onOpen(view({ market: { close: 100.6 } })))).toEqual([100.05]);
  });

  it("measures from bar highs (lows of a short) with bestPrice extreme, as the broker's trailing stop does", () => {
    const m = manager({ bestPrice: "extreme", trailingStop: {} });
    m.onOpen(view());
    expect(stops(m.onBar(view({ market: { high: 102, close: 100.5 } })))).toEqual([101.49]);
    const closes = manager({ trailingStop: {} });
    closes.onOpen(view());
    expect(closes.onBar(view({ market: { high: 102, close: 100.5 } }))).toEqual([]);
    const short = manager({ bestPrice: "extreme", breakEven: {} });
    short.onOpen(view({ side: "short" }));
    expect(stops(short.onBar(view({ side: "short", market: { low: 99.5, close: 100 } })))).toEqual([99.95]);
  });
});

describe("time exit and liquidation guard", () => {
  it("closes after N bars held", () => {
    const m = manager({ timeExit: { enabled: true, bars: 3 } });
    m.onOpen(view());
    expect(m.onBar(view({ barsHeld: 2 }))).toEqual([]);
    expect(m.onBar(view({ barsHeld: 3 }))).toEqual([{ kind: "close", reason: "time exit after 3 bars" }]);
  });

  it("reduces 50 % once when the mark has covered 75 % of the way to liquidation, re-arming when it leaves", () => {
    // 5× long from 100: liquidation at 80.5 (maintenance 0.5 %); 25 % of the way left is 85.375.
    const m = manager({ liquidationGuard: {} });
    m.onOpen(view());
    expect(m.onBar(view({ liquidationPrice: 80.5, market: { close: 86 } }))).toEqual([]);
    const actions = m.onBar(view({ liquidationPrice: 80.5, market: { close: 85 } }));
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "reduce", quantity: 2 });
    expect(actions[0]?.reason).toMatch(/liquidation guard: mark 85 is 23.1% of the way .* liquidation 80.5 left/);
    expect(m.onBar(view({ quantity: 2, liquidationPrice: 80.5, market: { close: 84 } }))).toEqual([]);
    expect(m.onBar(view({ quantity: 2, liquidationPrice: 80.5, market: { close: 90 } }))).toEqual([]);
    expect(m.onBar(view({ quantity: 2, liquidationPrice: 80.5, market: { close: 85 } }))[0]).toMatchObject({
      kind: "reduce",
      quantity: 1,
    });
  });

  it("reads the liquidation price from the portfolio when the view lacks it, and measures in ATR if asked", () => {
    const positions = { position: () => ({ liquidationPrice: 119.5 }) as never };
    const m = manager({ liquidationGuard: { method: "atr", atrMultiple: 3 } }, { positions });
    m.onOpen(view({ side: "short" }));
    expect(m.onBar(view({ side: "short", market: { close: 110, atr: 3 } }))).toEqual([]);
    expect(m.onBar(view({ side: "short", market: { close: 111, atr: 3 } }))[0]).toMatchObject({ kind: "reduce" });
  });

  it("does nothing without a liquidation price, or when switched off", () => {
    expect(manager({ liquidationGuard: {} }).onBar(view({ market: { close: 1 } }))).toEqual([]);
    const off = createPositionManager(positionManagementSchema.parse({ enabled: false }));
    expect(off.onOpen(view())).toEqual([]);
    expect(off.onBar(view({ barsHeld: 1000, market: { close: 200 } }))).toEqual([]);
  });
});

describe("position management config", () => {
  it("has the seed's defaults", () => {
    const c = positionManagementSchema.parse({});
    expect(c.bestPrice).toBe("close");
    expect(c.stopLoss).toMatchObject({ enabled: true, method: "atr", atrMultiples: { bull: 2.5, unknown: 2 } });
    expect(c.trailingStop).toMatchObject({ enabled: true, activation: 0.01, percent: 0.005, atrMultiple: 1.5 });
    expect(c.breakEven).toEqual({ enabled: true, activation: 0.005, offset: 0.0005 });
    expect(c.partialTakeProfit).toMatchObject({ enabled: true, fraction: 0.25, rMultiples: [1, 2, 3] });
    expect(c.takeProfit.enabled).toBe(false);
    expect(c.timeExit.enabled).toBe(false);
    expect(c.liquidationGuard).toMatchObject({ enabled: true, distance: 0.25, reduceFraction: 0.5 });
  });

  it("rejects unknown keys and partial targets over 100 %", () => {
    expect(() => positionManagementSchema.parse({ trailingStop: { activaton: 0.01 } })).toThrow(/activaton/);
    expect(() =>
      positionManagementSchema.parse({ partialTakeProfit: { fraction: 0.5, rMultiples: [1, 2, 3] } }),
    ).toThrow(/fraction × number of targets/);
  });
});
