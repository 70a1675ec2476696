import { describe, expect, it } from "vitest";
import type { StrategyStatus, StrategyTransition } from "../../domain/strategy-status.js";
import type { Strategy } from "../../strategy/strategy.js";
import { LifecycleFollower, type StrategySwap } from "./lifecycle-follower.js";
import type { StoredStrategy } from "./live-strategy.js";

const SPEC = { name: "hold", entry: { long: { gt: ["close", 0] } } };

/** The store's strategies, in memory: status per id, one transition each. */
function records(initial: Record<string, { status: StrategyStatus; spec?: unknown }>) {
  const rows = new Map(Object.entries(initial).map(([id, r]) => [id, { id, name: id, spec: SPEC, ...r }]));
  return {
    set(id: string, status: StrategyStatus, spec: unknown = SPEC) {
      rows.set(id, { id, name: id, status, spec });
    },
    async list(status?: StrategyStatus): Promise<StoredStrategy[]> {
      return [...rows.values()].filter((r) => status === undefined || r.status === status);
    },
    async transitions(id: string): Promise<StrategyTransition[]> {
      const row = rows.get(id);
      return row ? [{ strategyId: id, toStatus: row.status, by: "alice", reason: `made ${row.status}`, time: 1 }] : [];
    },
  };
}

function fakeSession() {
  const calls: string[] = [];
  return {
    calls,
    async swapStrategy(symbol: string, strategy: Strategy, reason: string) {
      calls.push(`swap ${symbol} ${strategy.name} (${reason})`);
    },
    pause(by: string, reason: string) {
      calls.push(`pause by ${by}: ${reason}`);
      return true;
    },
    resume(by: string) {
      calls.push(`resume by ${by}`);
      return true;
    },
  };
}

function follower(store: ReturnType<typeof records>, running: string | null) {
  const session = fakeSession();
  const swaps: StrategySwap[] = [];
  const alerts: string[] = [];
  const f = new LifecycleFollower({
    records: store,
    session,
    symbols: ["A/USDT", "B/USDT"],
    running,
    now: () => 42,
    onSwap: async (swap) => {
      swaps.push(swap);
    },
    alert: (m) => alerts.push(m),
  });
  return { f, session, swaps, alerts };
}

describe("the lifecycle follower", () => {
  it("swaps every lifecycle slot to a new live strategy once, with the transition's who and why", async () => {
    const store = records({ v1: { status: "live" } });
    const { f, session, swaps } = follower(store, "v1");
    expect(await f.check()).toBeUndefined();
    store.set("v1", "retired");
    store.set("v2", "live");
    // Two checks at once (a commit and a rollback) make one swap: checks run one at a time.
    const [a, b] = await Promise.all([f.check(), f.check()]);
    expect(a).toEqual({ time: 42, from: "v1", to: "v2", reason: "alice: made live", symbols: ["A/USDT", "B/USDT"] });
    expect(b).toBeUndefined();
    expect(session.calls).toEqual(["swap A/USDT v2 (alice: made live)", "swap B/USDT v2 (alice: made live)"]);
    expect(swaps).toHaveLength(1);
    expect(f.running).toBe("v2");
  });

  it("prefers live to live-small, as the rollback does", async () => {
    const store = records({ v1: { status: "live" }, v2: { status: "live-small" } });
    const { f, session } = follower(store, "v1");
    await f.check();
    expect(session.calls).toEqual([]);
    store.set("v1", "retired");
    await f.check();
    expect(f.running).toBe("v2");
  });

  it("pauses entries while nothing is live and resumes with the next live strategy", async () => {
    const store = records({ v1: { status: "live" } });
    const { f, session, swaps } = follower(store, "v1");
    store.set("v1", "retired");
    expect((await f.check())?.to).toBeNull();
    expect(session.calls).toEqual(["pause by lifecycle: v1 left the lifecycle and nothing is live"]);
    store.set("v3", "live");
    await f.check();
    expect(session.calls.slice(1)).toEqual([
      "swap A/USDT v3 (alice: made live)",
      "swap B/USDT v3 (alice: made live)",
      "resume by lifecycle",
    ]);
    expect(swaps.map((s) => [s.from, s.to])).toEqual([
      ["v1", null],
      [null, "v3"],
    ]);
  });

  it("keeps the running strategy and alerts once when the new live spec cannot run", async () => {
    const store = records({ v1: { status: "live" } });
    const { f, session, alerts } = follower(store, "v1");
    store.set("v1", "retired");
    store.set("bad", "live", { name: "bad", entry: { long: { gt: ["close"] } } });
    await f.check();
    await f.check();
    expect(session.calls).toEqual([]);
    expect(f.running).toBe("v1");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/^the lifecycle's live strategy bad cannot run: .*entry\.long.*; still trading v1$/s);
  });
});
