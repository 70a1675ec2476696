import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StabilityLock } from "../../risk/guards/stability-lock.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { LifecycleError, StrategyLifecycle } from "./strategy-lifecycle.js";

const H = 3_600_000;

describe("StrategyLifecycle", () => {
  let dir: string;
  let store: Store;
  let now: number;
  let lifecycle: StrategyLifecycle;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-lifecycle-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    now = Date.UTC(2026, 0, 1);
    lifecycle = new StrategyLifecycle(
      store.strategies,
      new StabilityLock(new MemoryStateStore(), { minHours: 12 }),
      () => now,
    );
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A strategy taken by the machine up to awaiting approval. */
  async function candidate(id: string): Promise<void> {
    await store.strategies.upsert({ id, name: id, source: "evolver", spec: { name: id } }, "evolver", now);
    for (const to of ["backtested", "validated", "shadow", "awaiting-approval"] as const) {
      await lifecycle.move(id, to, { by: "evolver", reason: `gate for ${to} passed` });
    }
  }

  it("lets the machine take a strategy to awaiting approval and records every step with who and why", async () => {
    await candidate("evo-1");
    const transitions = await store.strategies.transitions("evo-1");
    expect(transitions.map((t) => t.toStatus)).toEqual([
      "generated",
      "backtested",
      "validated",
      "shadow",
      "awaiting-approval",
    ]);
    expect(transitions.at(-1)).toMatchObject({
      fromStatus: "shadow",
      by: "evolver",
      reason: "gate for awaiting-approval passed",
    });
  });

  it("refuses skipped steps and machine approvals, naming what is allowed", async () => {
    await store.strategies.upsert({ id: "evo-2", name: "e", source: "evolver", spec: {} }, "evolver", now);
    await expect(lifecycle.move("evo-2", "live", { by: "alice", reason: "yolo" })).rejects.toThrow(
      /evo-2 is generated; it can move to backtested, retired, not live/,
    );
    await candidate("evo-3");
    await expect(lifecycle.approve("evo-3", { by: "system", reason: "auto" })).rejects.toThrow(/a person must do it/);
    await expect(lifecycle.approve("nope", { by: "alice", reason: "x" })).rejects.toBeInstanceOf(LifecycleError);
  });

  it("goes live-small then live on a person's approvals, each under the 12-hour stability lock unless overridden", async () => {
    await candidate("evo-4");
    await lifecycle.approve("evo-4", { by: "alice", reason: "shadow Sharpe 1.6 > 1.2" });
    expect((await store.strategies.get("evo-4"))?.status).toBe("live-small");
    now += 2 * H;
    await expect(lifecycle.approve("evo-4", { by: "alice", reason: "scale up" })).rejects.toThrow(
      /evo-4 → live refused by the stability lock: .*10.00 h left of the 12 h stability lock/,
    );
    const t = await lifecycle.approve("evo-4", { by: "alice", reason: "scale up", emergency: "desk asked" });
    expect(t.toStatus).toBe("live");
    expect(t.reason).toContain("[emergency override: desk asked]");
  });

  it("retires the strategy a new one supersedes, and a rollback brings it back", async () => {
    for (const id of ["old", "new"]) {
      await candidate(id);
      await lifecycle.approve(id, { by: "alice", reason: "ok" });
      now += 13 * H;
      await lifecycle.approve(id, { by: "alice", reason: "scale" });
      now += 13 * H;
    }
    expect((await store.strategies.get("old"))?.status).toBe("retired");
    expect((await store.strategies.transitions("old")).at(-1)?.reason).toBe("superseded by new");
    const result = await lifecycle.rollback({ by: "kill-switch", reason: "new tripped the kill switch" });
    expect(result).toEqual({ retired: "new", restored: "old" });
    expect((await store.strategies.get("old"))?.status).toBe("live");
    expect((await store.strategies.get("new"))?.status).toBe("retired");
    await expect(lifecycle.rollback({ by: "alice", reason: "again" })).rejects.toThrow(
      /old did not replace a live strategy/,
    );
  });
});
