import { describe, expect, it } from "vitest";
import { T0 } from "../testing/fixtures.js";
import { MemoryAuditedStore } from "./risk-event-log.js";
import { StabilityLock } from "./stability-lock.js";

const H = 3_600_000;

describe("StabilityLock", () => {
  it("allows the first change and denies another within 12 hours, with the time left", () => {
    const lock = new StabilityLock(new MemoryAuditedStore(), { minHours: 12 });
    expect(lock.check(T0)).toMatchObject({ allowed: true, reason: "no strategy change recorded", remainingMs: 0 });
    lock.recordChange(T0, "promoted ema-cross v2");
    const r = lock.check(T0 + 4.5 * H);
    expect(r.allowed).toBe(false);
    expect(r.remainingMs).toBe(7.5 * H);
    expect(r.reason).toBe(
      "last strategy change 2024-01-01T00:00:00.000Z (promoted ema-cross v2); 7.50 h left of the 12 h stability lock",
    );
  });

  it("opens exactly 12 hours after the last change", () => {
    const lock = new StabilityLock(new MemoryAuditedStore(), { minHours: 12 });
    lock.recordChange(T0, "a");
    expect(lock.check(T0 + 12 * H - 1).allowed).toBe(false);
    expect(lock.check(T0 + 12 * H).allowed).toBe(true);
    lock.recordChange(T0 + 12 * H, "b");
    expect(lock.lastChange()).toEqual({ time: T0 + 12 * H, description: "b" });
  });

  it("allows an emergency override and records it with its reason", () => {
    const store = new MemoryAuditedStore();
    const lock = new StabilityLock(store, { minHours: 12 });
    lock.recordChange(T0, "a");
    const r = lock.check(T0 + H, { emergency: "strategy bleeding in a crash" });
    expect(r).toMatchObject({ allowed: true, override: "strategy bleeding in a crash", remainingMs: 11 * H });
    lock.recordChange(T0 + H, "b", { emergency: "strategy bleeding in a crash" });
    expect(lock.lastChange()).toEqual({ time: T0 + H, description: "b", emergency: "strategy bleeding in a crash" });
    expect(store.events().map((e) => e.kind)).toEqual([
      "stability-lock.change",
      "stability-lock.override",
      "stability-lock.change",
    ]);
    expect(store.events("stability-lock.override")[0]?.detail).toMatchObject({
      emergency: "strategy bleeding in a crash",
    });
  });

  it("does not record an override when the lock is open anyway", () => {
    const store = new MemoryAuditedStore();
    new StabilityLock(store).check(T0, { emergency: "just in case" });
    expect(store.events()).toEqual([]);
  });

  it("refuses to record a change the lock forbids", () => {
    const lock = new StabilityLock(new MemoryAuditedStore(), { minHours: 12 });
    lock.recordChange(T0, "a");
    expect(() => lock.recordChange(T0 + H, "b")).toThrow(/stability lock: cannot record "b".*11.00 h left/);
    expect(() => lock.check(T0, { emergency: " " })).toThrow(/needs a reason/);
  });

  it("stays locked across a restart on the same store", () => {
    const store = new MemoryAuditedStore();
    new StabilityLock(store, { minHours: 12 }).recordChange(T0, "a");
    const restarted = new StabilityLock(store, { minHours: 12 });
    expect(restarted.check(T0 + 6 * H)).toMatchObject({ allowed: false, remainingMs: 6 * H });
  });

  it("allows everything when disabled but still records changes", () => {
    const lock = new StabilityLock(new MemoryAuditedStore(), { minHours: 12, enabled: false });
    lock.recordChange(T0, "a");
    lock.recordChange(T0 + H, "b");
    expect(lock.check(T0 + H)).toMatchObject({ allowed: true, reason: "stability lock disabled" });
    expect(lock.lastChange()?.description).toBe("b");
  });

  it("keeps separate locks under separate keys", () => {
    const store = new MemoryAuditedStore();
    new StabilityLock(store, { minHours: 12, key: "stability-lock.btc" }).recordChange(T0, "a");
    expect(new StabilityLock(store, { minHours: 12, key: "stability-lock.eth" }).check(T0 + H).allowed).toBe(true);
  });
});
