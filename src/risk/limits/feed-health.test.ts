import { describe, expect, it } from "vitest";
import type { ProposedOrder, RiskContext } from "../shield.js";
import { feedHealthLayer } from "./feed-health.js";

const order = (reduceOnly: boolean): ProposedOrder => ({
  symbol: "BTC/USDT",
  side: "buy",
  quantity: 1,
  price: 100,
  reduceOnly,
  leverage: 1,
  confidence: 1,
  time: 0,
  strategy: "t",
});
const context = {} as RiskContext;

describe("feed-health layer", () => {
  it("denies a new entry while the symbol's feed is flagged, naming why", () => {
    const layer = feedHealthLayer({ blockedReason: () => "stale: no closed bar since 10:00" });
    expect(layer.check(order(false), context)).toMatchObject({
      verdict: "deny",
      reason: "feed of BTC/USDT not trusted: stale: no closed bar since 10:00",
    });
  });

  it("lets exits through on a flagged feed", () => {
    const layer = feedHealthLayer({ blockedReason: () => "spike" });
    expect(layer.check(order(true), context).verdict).toBe("allow");
  });

  it("allows entries on a healthy feed", () => {
    const layer = feedHealthLayer({ blockedReason: () => undefined });
    expect(layer.check(order(false), context).verdict).toBe("allow");
  });
});
