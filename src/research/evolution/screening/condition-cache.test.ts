import { describe, expect, it } from "vitest";
import { newBits } from "./bitset.js";
import { ConditionCache } from "./signal-columns.js";

describe("ConditionCache", () => {
  it("drops the entry stored longest ago and not used since, keeping one used within half its capacity", () => {
    // 32 bars are one 4-byte word, so 32 bytes hold 8 columns.
    const cache = new ConditionCache(32, 32);
    const keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (const key of keys) cache.set(key, newBits(32));
    expect(cache.size).toBe(8);
    expect(cache.get("a")).toBeDefined();
    cache.set("i", newBits(32));
    expect(cache.size).toBe(8);
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("c")).toBeDefined();
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 3, misses: 1 });
  });

  it("stores nothing when its byte budget holds no column", () => {
    const cache = new ConditionCache(8760, 0);
    cache.set("a", newBits(8760));
    expect(cache.size).toBe(0);
    expect(cache.get("a")).toBeUndefined();
  });
});
