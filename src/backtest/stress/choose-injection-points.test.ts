import { describe, expect, it } from "vitest";
import type { Fill } from "../../domain/order.js";
import { bars } from "../../execution/testing/bars.js";
import { chooseInjectionPoints } from "./choose-injection-points.js";

const series = bars(Array.from({ length: 100 }, () => [100, 101, 99, 100] as [number, number, number, number]));
const fill = (index: number, side: "buy" | "sell"): Fill => ({
  clientOrderId: `o${index}`,
  symbol: series.symbol,
  side,
  quantity: 1,
  price: 100,
  fee: 0,
  time: series.time[index] as number,
  liquidity: "taker",
  reason: "test",
});
// Long from the open of bar 10 to the open of bar 30, and from bar 50 to bar 80.
const twoTrades = [fill(10, "buy"), fill(30, "sell"), fill(50, "buy"), fill(80, "sell")];
const choose = (count: number, fills: readonly Fill[] = twoTrades, windowBars = 10) =>
  chooseInjectionPoints({ series, fills, count, first: 1, last: 97, windowBars });

describe("chooseInjectionPoints", () => {
  it("puts one crash in the middle of each long holding period, never on a bar with a fill", () => {
    expect(choose(2)).toEqual([
      { index: 20, position: "long", chosenBecause: "long position (holding period 1 of 2)" },
      { index: 65, position: "long", chosenBecause: "long position (holding period 2 of 2)" },
    ]);
  });

  it("spreads evenly over the holding periods when there are more periods than crashes", () => {
    const many = Array.from({ length: 9 }, (_, k) => [fill(5 + 10 * k, "buy"), fill(10 + 10 * k, "sell")]).flat();
    const points = choose(3, many);
    expect(points.map((p) => p.chosenBecause)).toEqual([
      "long position (holding period 2 of 9)",
      "long position (holding period 5 of 9)",
      "long position (holding period 8 of 9)",
    ]);
    expect(points.every((p) => p.position === "long")).toBe(true);
  });

  it("adds more crashes inside the holding periods, a window apart, before falling back to flat bars", () => {
    const points = choose(4);
    expect(points.every((p) => p.position === "long")).toBe(true);
    expect(points.map((p) => p.index)).toContain(20);
    expect(points.map((p) => p.index)).toContain(65);
    const sorted = points.map((p) => p.index);
    for (let k = 1; k < sorted.length; k++)
      expect((sorted[k] as number) - (sorted[k - 1] as number)).toBeGreaterThanOrEqual(10);
    for (const p of points) expect([10, 30, 50, 80]).not.toContain(p.index);
  });

  it("falls back to evenly spaced bars, marked as such, when the run was never long", () => {
    const points = choose(4, []);
    expect(points.map((p) => p.index)).toEqual([13, 37, 61, 85]);
    expect(points.every((p) => p.position === "flat" && p.chosenBecause.startsWith("evenly spaced"))).toBe(true);
  });

  it("reports a short position as short, and does not prefer it", () => {
    const points = choose(1, [fill(10, "sell"), fill(90, "buy")]);
    expect(points).toHaveLength(1);
    expect(points[0]?.position).toBe("short");
    expect(points[0]?.chosenBecause).toMatch(/^evenly spaced/);
  });
});
