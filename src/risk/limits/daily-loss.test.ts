import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../state-store.js";
import { context, FakePortfolio, order, T0 } from "../testing/fixtures.js";
import { DAILY_LOSS_KEY, MaxDailyLoss } from "./daily-loss.js";

const H = 3_600_000;

describe("MaxDailyLoss", () => {
  it("denies new positions once equity is 2 % below the day's start, until the next UTC day", () => {
    const layer = new MaxDailyLoss({ maxPct: 2 });
    layer.observe(T0, 10_000);
    layer.observe(T0 + H, 9_850);
    const down = new FakePortfolio(9_790);
    const r = layer.check(order({ time: T0 + 2 * H }), context(down));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toBe(
      "down 2.10 % today (10000.00 → 9790.00), max daily loss 2 %: no new positions until 2024-01-02 00:00 UTC",
    );
    layer.observe(T0 + 23 * H, 9_790);
    // A new day starts from the last equity of the previous one.
    expect(layer.check(order({ time: T0 + 24 * H }), context(down)).verdict).toBe("allow");
    expect(layer.startEquity).toBe(9_790);
  });

  it("allows orders while the day's loss is under the limit", () => {
    const layer = new MaxDailyLoss({ maxPct: 2 });
    layer.observe(T0, 10_000);
    const r = layer.check(order({ time: T0 + H }), context(new FakePortfolio(9_850)));
    expect(r.verdict).toBe("allow");
    expect(r.reason).toBe("loss since the start of the UTC day below the max daily loss 2 %");
  });

  it("allows an order before any equity was observed and says so", () => {
    const r = new MaxDailyLoss({ maxPct: 2 }).check(order(), context(new FakePortfolio(10_000)));
    expect(r).toMatchObject({ verdict: "allow", reason: "no equity observed yet today" });
  });

  it("lets reduce-only orders through on a bad day", () => {
    const layer = new MaxDailyLoss({ maxPct: 2 });
    layer.observe(T0, 10_000);
    expect(layer.check(order({ reduceOnly: true }), context(new FakePortfolio(5_000))).verdict).toBe("allow");
  });

  it("remembers the day's starting equity across a restart on the same store", () => {
    const store = new MemoryStateStore();
    new MaxDailyLoss({ maxPct: 2 }, store).observe(T0, 10_000);
    expect(JSON.parse(store.get(DAILY_LOSS_KEY) as string)).toEqual({ day: "2024-01-01", startEquity: 10_000 });
    const restarted = new MaxDailyLoss({ maxPct: 2 }, store);
    restarted.observe(T0 + 5 * H, 9_700);
    expect(restarted.check(order({ time: T0 + 5 * H }), context(new FakePortfolio(9_700))).verdict).toBe("deny");
  });

  it("rejects an unreadable saved state naming the key", () => {
    const store = new MemoryStateStore();
    store.set(DAILY_LOSS_KEY, "garbage");
    expect(() => new MaxDailyLoss({ maxPct: 2 }, store)).toThrow(/limits.daily-loss is unreadable: garbage/);
  });
});
