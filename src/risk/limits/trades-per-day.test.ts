import { describe, expect, it } from "vitest";
import type { Fill, OrderSide } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { MemoryStateStore } from "../state-store.js";
import { order, T0 } from "../testing/fixtures.js";
import { MaxTradesPerDay, TRADES_PER_DAY_KEY } from "./trades-per-day.js";

const H = 3_600_000;
let seq = 0;
const fill = (time: number, side: OrderSide = "buy", symbol = "TEST/USDT", id = `o-${++seq}`): Fill => ({
  clientOrderId: id,
  symbol,
  side,
  quantity: 1,
  price: 100,
  fee: 0,
  time,
  liquidity: "taker",
  reason: "test",
});

/** Allows, then fills, one opening order at `time`. */
function trade(layer: MaxTradesPerDay, time: number, symbol = "TEST/USDT") {
  const r = layer.check(order({ time, symbol }));
  if (r.verdict === "allow") layer.onFill(fill(time + H, "buy", symbol), undefined);
  return r;
}

describe("MaxTradesPerDay", () => {
  it("denies the opening order after the daily maximum has filled, until the next UTC day", () => {
    const layer = new MaxTradesPerDay({ max: 2 });
    expect(trade(layer, T0).verdict).toBe("allow");
    expect(trade(layer, T0 + 2 * H).verdict).toBe("allow");
    const r = layer.check(order({ time: T0 + 4 * H }));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toBe("2 opening orders filled today, max 2 per day: no new positions until 2024-01-02");
    expect(layer.check(order({ time: T0 + 24 * H })).verdict).toBe("allow");
  });

  it("does not count an allowed order that never filled (denied by another layer, rejected by the broker)", () => {
    const layer = new MaxTradesPerDay({ max: 1 });
    layer.check(order({ time: T0 }));
    expect(layer.check(order({ time: T0 + H })).verdict).toBe("allow");
    expect(layer.count).toBe(0);
  });

  it("counts partial fills of one order once", () => {
    const layer = new MaxTradesPerDay({ max: 2 });
    layer.check(order({ time: T0 }));
    layer.onFill(fill(T0 + H, "buy", "TEST/USDT", "a"), undefined);
    layer.onFill(fill(T0 + 2 * H, "buy", "TEST/USDT", "a"), undefined);
    expect(layer.count).toBe(1);
  });

  it("does not count exits: fills that close a trade or go the other way", () => {
    const layer = new MaxTradesPerDay({ max: 5 });
    trade(layer, T0);
    layer.onFill(fill(T0 + 2 * H, "sell"), {} as ClosedTrade);
    layer.onFill(fill(T0 + 3 * H, "sell"), undefined);
    expect(layer.count).toBe(1);
  });

  it("counts orders of other symbols still awaiting their fill", () => {
    const layer = new MaxTradesPerDay({ max: 2 });
    trade(layer, T0, "A/USDT");
    expect(layer.check(order({ time: T0 + H, symbol: "B/USDT" })).verdict).toBe("allow");
    const r = layer.check(order({ time: T0 + H, symbol: "C/USDT" }));
    expect(r.verdict).toBe("deny");
    expect(r.reason).toContain("1 opening orders filled today + 1 awaiting fill");
  });

  it("keeps the day's count across a restart on the same store", () => {
    const store = new MemoryStateStore();
    const first = new MaxTradesPerDay({ max: 1 }, store);
    trade(first, T0);
    expect(JSON.parse(store.get(TRADES_PER_DAY_KEY) as string)).toEqual({ day: "2024-01-01", count: 1 });
    expect(new MaxTradesPerDay({ max: 1 }, store).check(order({ time: T0 + 3 * H })).verdict).toBe("deny");
  });

  it("lets reduce-only orders through at the limit", () => {
    const layer = new MaxTradesPerDay({ max: 1 });
    trade(layer, T0);
    expect(layer.check(order({ time: T0 + 3 * H, side: "sell", reduceOnly: true })).verdict).toBe("allow");
  });
});
