import { describe, expect, it } from "vitest";
import type { Fill } from "../domain/order.js";
import { Portfolio } from "./portfolio.js";

let seq = 0;
function fill(side: "buy" | "sell", quantity: number, price: number, fee = 0, time = ++seq): Fill {
  return {
    clientOrderId: `f${seq}`,
    symbol: "X",
    side,
    quantity,
    price,
    fee,
    time,
    liquidity: "taker",
    reason: "test",
  };
}

describe("Portfolio", () => {
  it("values a spot long as cash left plus coins at the mark", () => {
    const p = new Portfolio(1000);
    p.applyFill(fill("buy", 2, 100, 0.2), 0);
    p.mark("X", 110);
    expect(p.equity()).toBeCloseTo(1000 - 0.2 + 2 * 10, 12);
    expect(p.grossExposure()).toBeCloseTo(220, 12);
  });

  it("averages the entry price when a position is scaled in", () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill("buy", 1, 100), 0);
    p.applyFill(fill("buy", 3, 120), 1);
    expect(p.position("X")?.entryPrice).toBeCloseTo(115, 12);
    expect(p.position("X")?.quantity).toBe(4);
  });

  it("makes a closed trade's net PnL equal to what it did to cash, across partial closes", () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill("buy", 4, 100, 0.4), 0);
    p.applyFill(fill("sell", 1, 110, 0.11), 3);
    p.applyFill(fill("buy", 1, 105, 0.105), 4);
    const trade = p.applyFill(fill("sell", 4, 120, 0.48), 9);
    expect(trade).toBeDefined();
    expect(p.cash - 10_000).toBeCloseTo(trade?.netPnl ?? Number.NaN, 9);
    expect(trade).toMatchObject({ side: "long", quantity: 4, barsHeld: 9 });
    expect(trade?.fees).toBeCloseTo(0.4 + 0.11 + 0.105 + 0.48, 12);
  });

  it("closes one trade and opens the reverse position on a flip", () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill("buy", 1, 100, 1), 0);
    const trade = p.applyFill(fill("sell", 3, 110, 3), 2);
    expect(trade?.netPnl).toBeCloseTo(10 - 1 - 1, 12);
    expect(p.positionQuantity("X")).toBe(-2);
    expect(p.position("X")).toMatchObject({ side: "short", entryPrice: 110 });
    expect(p.cash).toBeCloseTo(10_000 + 10 - 1 - 3, 12);
  });

  it("computes isolated liquidation prices for longs and shorts", () => {
    const p = new Portfolio(10_000, 0.005);
    p.applyFill(fill("buy", 1, 100), 0, 5);
    expect(p.liquidationPrice("X")).toBeCloseTo(100 * (1 - 0.2 + 0.005), 12);
    p.applyFill(fill("sell", 2, 100), 1, 5);
    expect(p.liquidationPrice("X")).toBeCloseTo(100 * (1 + 0.2 - 0.005), 12);
  });

  it("rejects a fill with a NaN price", () => {
    const p = new Portfolio(1000);
    expect(() => p.applyFill(fill("buy", 1, Number.NaN), 0)).toThrowError(/invalid fill for X/);
  });

  it("refuses a non-positive starting cash", () => {
    expect(() => new Portfolio(0)).toThrowError(/initial cash must be > 0/);
  });
});

describe("Portfolio snapshot", () => {
  it("restores cash, fees, positions and the trade counter exactly, so the next trade continues the account", () => {
    const a = new Portfolio(10_000);
    const fill = (side: "buy" | "sell", quantity: number, price: number, time: number) => ({
      clientOrderId: `o-${time}`,
      symbol: "BTC/USDT",
      side,
      quantity,
      price,
      fee: quantity * price * 0.001,
      time,
      liquidity: "taker" as const,
      reason: "t",
    });
    a.applyFill(fill("buy", 1, 100, 1), 10);
    a.applyFill(fill("sell", 1, 110, 2), 12);
    a.applyFill(fill("buy", 2, 105, 3), 13);
    a.mark("BTC/USDT", 107);
    const b = Portfolio.restore(JSON.parse(JSON.stringify(a.snapshot())), () => 5);
    expect(b.cash).toBe(a.cash);
    expect(b.equity()).toBe(a.equity());
    expect(b.feesPaid).toBe(a.feesPaid);
    expect(b.position("BTC/USDT")).toEqual(a.position("BTC/USDT"));
    expect(b.openedBar("BTC/USDT")).toBe(18);
    const ta = a.applyFill(fill("sell", 2, 120, 4), 20);
    const tb = b.applyFill(fill("sell", 2, 120, 4), 25);
    expect(tb).toEqual(ta);
    expect(b.cash).toBe(a.cash);
  });

  it("refuses a corrupt snapshot, naming the position", () => {
    const a = new Portfolio(1000);
    const snapshot = a.snapshot();
    const bad = { ...snapshot, positions: [{ symbol: "ETH/USDT", quantity: Number.NaN, entryPrice: 1 }] };
    expect(() => Portfolio.restore(bad as unknown as typeof snapshot)).toThrowError(/position ETH\/USDT is corrupt/);
  });
});
