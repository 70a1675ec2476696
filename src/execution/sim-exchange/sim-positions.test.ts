import { describe, expect, test } from "vitest";
import { applyFill, type FuturesPosition } from "./sim-positions.js";

describe("futures position bookkeeping", () => {
  test("fills in the same direction average the entry price", () => {
    const position: FuturesPosition = { amount: 0, entryPrice: 0, updateTime: 0 };
    expect(applyFill(position, 1, 100, 1)).toBe(0);
    expect(applyFill(position, 1, 110, 2)).toBe(0);
    expect(position).toEqual({ amount: 2, entryPrice: 105, updateTime: 2 });
  });

  test("a fill against the position realises profit on the closed part and keeps the entry of the rest", () => {
    const position: FuturesPosition = { amount: 2, entryPrice: 105, updateTime: 0 };
    expect(applyFill(position, -0.5, 125, 3)).toBe(10);
    expect(position).toEqual({ amount: 1.5, entryPrice: 105, updateTime: 3 });
  });

  test("a fill larger than the position closes it and opens the other side at the fill price", () => {
    const position: FuturesPosition = { amount: -1, entryPrice: 200, updateTime: 0 };
    expect(applyFill(position, 3, 190, 4)).toBe(10);
    expect(position).toEqual({ amount: 2, entryPrice: 190, updateTime: 4 });
  });
});
