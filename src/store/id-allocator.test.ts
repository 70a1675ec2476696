import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdAllocator } from "./id-allocator.js";
import { openStore } from "./open-store.js";
import type { Store } from "./store.js";

describe("IdAllocator", () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-ids-"));
    store = await openStore(join(dir, "aegis.sqlite"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands out ids synchronously, reserves the next block ahead, and never reuses one after a restart", async () => {
    const ids = new IdAllocator(store, "client-order", { block: 4, lowWater: 1 });
    await ids.start();
    expect([ids.next(), ids.next(), ids.next()]).toEqual([1, 2, 3]);
    await ids.refill(); // the background reservation that next() started when one id was left
    expect([ids.next(), ids.next(), ids.next()]).toEqual([4, 5, 6]);

    const restarted = new IdAllocator(store, "client-order", { block: 4, lowWater: 1 });
    await restarted.start();
    const after = restarted.next();
    expect(after).toBeGreaterThan(6);
    expect(after).toBe((await store.nextSequence("client-order")) - 4);
  });

  it("says so when the reserved ids run out while the store cannot give more", async () => {
    const ids = new IdAllocator(store, "exit", { block: 2, lowWater: 0 });
    await ids.start();
    await store.close();
    expect([ids.next(), ids.next()]).toEqual([1, 2]);
    expect(() => ids.next()).toThrow("no exit ids left");
    store = await openStore(join(dir, "aegis.sqlite"));
  });
});
