import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "./state-store.js";

describe("MemoryStateStore", () => {
  it("moves its revision on every set and delete, and only then", () => {
    const store = new MemoryStateStore();
    const start = store.revision;
    store.get("a");
    expect(store.revision).toBe(start);
    store.set("a", "1");
    const afterSet = store.revision;
    expect(afterSet).not.toBe(start);
    store.delete("a");
    expect(store.revision).not.toBe(afterSet);
    expect(store.get("a")).toBeUndefined();
  });
});
