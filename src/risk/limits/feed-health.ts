import type { RiskLayer } from "../shield.js";
import { deny, reduceOnlyAllowed } from "./common.js";

/** What the layer needs of a feed monitor (data/feed): why a symbol's data cannot be trusted now, if it can't. */
export interface FeedHealth {
  blockedReason(symbol: string): string | undefined;
}

/**
 * Blocks new entries on a symbol whose feed is stale, spiking, gapped, crossed or non-finite; exits and reducing
 * orders always pass, since closing a position on bad data is safer than being stuck in it.
 */
export function feedHealthLayer(feed: FeedHealth): RiskLayer {
  const name = "feed-health";
  return {
    name,
    phase: "limit",
    check(order) {
      if (order.reduceOnly) return reduceOnlyAllowed(name);
      const reason = feed.blockedReason(order.symbol);
      if (reason !== undefined) return deny(name, `feed of ${order.symbol} not trusted: ${reason}`);
      return { layer: name, verdict: "allow", reason: "feed healthy" };
    },
  };
}
