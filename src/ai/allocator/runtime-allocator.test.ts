import { describe, expect, it } from "vitest";
import type { ClosedTrade } from "../../domain/trade.js";
import type { BarContext } from "../../strategy/strategy.js";
import { RuntimeAllocator } from "./runtime-allocator.js";

const DAY = 86_400_000;
const trade = (symbol: string, netPnl: number, exitTime: number) => ({ symbol, netPnl, exitTime }) as ClosedTrade;
const members = [
  { symbol: "A/USDT", strategy: "steady" },
  { symbol: "B/USDT", strategy: "erratic" },
  { symbol: "C/USDT", strategy: "middling" },
];

/** 20 days: A earns 10 ± 2 a day, B swings ±60 with the same mean, C ±20. */
function feed(allocator: RuntimeAllocator): void {
  for (let d = 0; d < 20; d++) {
    allocator.onTradeClosed(trade("A/USDT", d % 2 ? 12 : 8, d * DAY + 1000));
    allocator.onTradeClosed(trade("B/USDT", d % 2 ? 70 : -50, d * DAY + 2000));
    allocator.onTradeClosed(trade("C/USDT", d % 2 ? 30 : -10, d * DAY + 3000));
  }
}

describe("RuntimeAllocator", () => {
  it("keeps equal shares until a strategy has a record, then gives the steadier one more and votes it as a size factor", () => {
    const allocator = new RuntimeAllocator(members, () => 10_000, { minActiveDays: 3 });
    allocator.update(DAY / 2);
    expect(allocator.scaleOf("A/USDT")).toBe(1);
    expect(allocator.status().reason).toMatch(/^equal shares/);
    feed(allocator);
    allocator.update(20 * DAY + 5);
    const [a, b, c] = allocator.status().lines;
    expect(allocator.status().reason).toMatch(/^rebalanced: /);
    expect(a?.capital).toBeGreaterThan(c?.capital as number);
    expect(c?.capital).toBeGreaterThan(b?.capital as number);
    expect(a?.capital).toBeLessThanOrEqual(0.4 + 1e-12);
    expect(b?.capital).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect(allocator.scaleOf("B/USDT")).toBeCloseTo(Math.min(1, (b?.capital as number) * 3), 12);
    const vote = allocator.advisor("B/USDT").init({} as never)({ time: 20 * DAY + 7 } as BarContext);
    expect(vote).toMatchObject({ action: "hold", scale: allocator.scaleOf("B/USDT") });
    expect(vote?.reason).toMatch(/^Allocator: B\/USDT erratic \d+\.\d % of capital/);
  });

  it("uses complete days only: a trade closed today does not move today's weights", () => {
    const allocator = new RuntimeAllocator(members, () => 10_000, { minActiveDays: 3 });
    feed(allocator);
    allocator.update(20 * DAY + 5);
    const before = allocator.status().lines;
    allocator.onTradeClosed(trade("A/USDT", -500, 20 * DAY + 10));
    allocator.update(20 * DAY + 20);
    expect(allocator.status().lines).toEqual(before);
  });

  it("continues from its saved state after a restart (the JSON the session stores)", () => {
    const first = new RuntimeAllocator(members, () => 10_000, { minActiveDays: 3 });
    feed(first);
    first.update(20 * DAY + 5);
    const restarted = new RuntimeAllocator(members, () => 10_000, { minActiveDays: 3 });
    restarted.restore(JSON.parse(JSON.stringify(first.save())));
    expect(restarted.status()).toEqual(first.status());
    for (const a of [first, restarted]) {
      a.onTradeClosed(trade("B/USDT", 90, 21 * DAY + 3));
      a.update(22 * DAY + 1);
    }
    expect(restarted.status()).toEqual(first.status());
    expect(restarted.save()).toEqual(first.save());
  });

  it("refuses bounds that cannot hold with a message naming them", () => {
    expect(() => new RuntimeAllocator(members, () => 1, { minWeight: 0.4 })).toThrow(
      "allocator: 3 strategies cannot each get the minimum 40 % (at most 2)",
    );
    expect(() => new RuntimeAllocator(members, () => 1, { lookbackDays: 1 })).toThrow(
      "allocator: lookbackDays must be an integer >= 2, got 1",
    );
  });
});
