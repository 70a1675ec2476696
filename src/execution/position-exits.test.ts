import { describe, expect, it } from "vitest";
import { effectiveStop, exitsFor } from "./position-exits.js";

describe("position exits", () => {
  it("places stop and target around the fill price on the position's side, the larger distance winning", () => {
    const long = exitsFor({ stopLossPct: 0.02, stopLossDistance: 1, takeProfitPct: 0.05 }, 1, 100, 7, 8);
    expect(long).toMatchObject({ stop: 98, target: 105, anchor: 100, openedIndex: 7, activeFrom: 8 });
    const short = exitsFor({ stopLossDistance: 3 }, -1, 100, 0, 0);
    expect(short.stop).toBe(103);
    expect(short.target).toBeNaN();
  });

  it("uses the trailing stop once it is tighter than the fixed one", () => {
    const e = exitsFor({ stopLossPct: 0.05, trailingPct: 0.02 }, 1, 100, 0, 0);
    expect(effectiveStop(e)).toBe(98);
    e.anchor = 110;
    expect(effectiveStop(e)).toBeCloseTo(107.8, 10);
  });
});
