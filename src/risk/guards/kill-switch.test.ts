import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../state-store.js";
import { order, T0 } from "../testing/fixtures.js";
import {
  KILL_SWITCH_KEY,
  KILL_SWITCH_LAST_RESET_KEY,
  KillSwitch,
  killSwitchSchema,
  readKillSwitchLatch,
  resetKillSwitch,
} from "./kill-switch.js";
import { MemoryAuditedStore } from "./risk-event-log.js";

const M = 60_000;
const defaults = killSwitchSchema.parse({});
const onlyDrop = killSwitchSchema.parse({ maxDrawdown: { enabled: false } });

/** Feeds (minutes after T0, equity) pairs; returns the first halt's minute, or undefined. */
function run(ks: KillSwitch, series: readonly (readonly [number, number])[]): number | undefined {
  for (const [minute, equity] of series) if (ks.observe(T0 + minute * M, equity)?.verdict === "halt") return minute;
  return undefined;
}

describe("KillSwitch rolling drop", () => {
  it("halts when equity falls 3.5 % within 40 minutes", () => {
    const ks = new KillSwitch(new MemoryStateStore(), onlyDrop);
    expect(
      run(ks, [
        [0, 10_000],
        [15, 10_000],
        [30, 9_800],
        [45, 9_650],
      ]),
    ).toBe(45);
    expect(ks.latch()).toMatchObject({ rule: "rolling-drop", equity: 9_650, reference: 10_000 });
  });

  it("does not halt on a 2.5 % drop", () => {
    const ks = new KillSwitch(new MemoryStateStore(), onlyDrop);
    expect(
      run(ks, [
        [0, 10_000],
        [15, 9_900],
        [30, 9_750],
        [45, 9_750],
      ]),
    ).toBeUndefined();
  });

  it("does not halt on a 3.5 % drop spread over three hours", () => {
    const ks = new KillSwitch(new MemoryStateStore(), onlyDrop);
    const series = Array.from({ length: 13 }, (_, i) => [i * 15, 10_000 * (1 - (0.035 * i) / 12)] as const);
    expect(run(ks, series)).toBeUndefined();
  });

  it("measures from the highest equity in the window, not the oldest", () => {
    const ks = new KillSwitch(new MemoryStateStore(), onlyDrop);
    expect(
      run(ks, [
        [0, 10_000],
        [20, 10_300],
        [50, 9_990],
      ]),
    ).toBe(50);
  });

  it("includes an observation exactly one window old (one 1h bar close to close)", () => {
    expect(
      run(new KillSwitch(new MemoryStateStore(), onlyDrop), [
        [0, 10_000],
        [60, 9_690],
      ]),
    ).toBe(60);
    expect(
      run(new KillSwitch(new MemoryStateStore(), onlyDrop), [
        [0, 10_000],
        [61, 9_690],
      ]),
    ).toBeUndefined();
  });

  it("uses the configured window", () => {
    const wide = killSwitchSchema.parse({ rollingDrop: { windowMinutes: 240 }, maxDrawdown: { enabled: false } });
    const series = Array.from({ length: 13 }, (_, i) => [i * 15, 10_000 * (1 - (0.035 * i) / 12)] as const);
    // 0.29 % per 15 min: the 3 % is reached after 11 steps, well within 4 hours.
    expect(run(new KillSwitch(new MemoryStateStore(), wide), series)).toBe(165);
  });
});

describe("KillSwitch max drawdown", () => {
  const onlyDrawdown = killSwitchSchema.parse({ rollingDrop: { enabled: false }, maxDrawdown: { pct: 25 } });

  it("halts 25 % below the peak however slowly equity got there", () => {
    const ks = new KillSwitch(new MemoryStateStore(), onlyDrawdown);
    const series = Array.from(
      { length: 40 },
      (_, i) => [i * 60, i < 5 ? 10_000 + i * 500 : 12_000 * 0.99 ** (i - 4)] as const,
    );
    const minute = run(ks, series);
    expect(minute).toBeDefined();
    expect(ks.latch()?.rule).toBe("max-drawdown");
    expect(ks.latch()?.reference).toBe(12_000);
    expect(ks.latch()?.equity).toBeLessThanOrEqual(9_000);
  });

  it("does not halt at 20 % below the peak", () => {
    const ks = new KillSwitch(new MemoryStateStore(), onlyDrawdown);
    expect(
      run(ks, [
        [0, 10_000],
        [60, 9_500],
        [120, 9_000],
        [180, 8_500],
        [240, 8_000],
        [300, 8_200],
      ]),
    ).toBeUndefined();
  });

  it("remembers the peak across a restart", () => {
    const store = new MemoryStateStore();
    run(new KillSwitch(store, onlyDrawdown), [
      [0, 12_000],
      [60, 10_000],
    ]);
    expect(run(new KillSwitch(store, onlyDrawdown), [[120, 8_900]])).toBe(120);
  });
});

describe("KillSwitch latch", () => {
  it("halts every order once tripped and keeps reporting it, with the cause in the reason", () => {
    const ks = new KillSwitch(new MemoryStateStore(), defaults);
    expect(ks.check().verdict).toBe("allow");
    run(ks, [
      [0, 10_000],
      [30, 9_600],
    ]);
    const r = ks.check();
    expect(r.verdict).toBe("halt");
    expect(r.reason).toContain("equity down 4.00 % within 60 min (10000.00 → 9600.00), limit 3 %");
    expect(r.reason).toContain("aegis risk reset");
    expect(ks.observe(T0 + 600 * M, 20_000)?.verdict).toBe("halt");
    expect(ks.check(order({ reduceOnly: true })).verdict).toBe("halt");
  });

  it("starts halted on a store that holds the latch (a restart)", () => {
    const store = new MemoryStateStore();
    run(new KillSwitch(store, defaults), [
      [0, 10_000],
      [30, 9_600],
    ]);
    const restarted = new KillSwitch(store, defaults);
    expect(restarted.check().verdict).toBe("halt");
    expect(restarted.observe(T0 + 999 * M, 10_000)?.verdict).toBe("halt");
  });

  it("counts an unreadable latch as tripped", () => {
    const store = new MemoryStateStore();
    store.set(KILL_SWITCH_KEY, "{broken");
    expect(readKillSwitchLatch(store)).toMatchObject({ rule: "unknown", reason: "latch value unreadable: {broken" });
    expect(new KillSwitch(store, defaults).check().verdict).toBe("halt");
  });

  it("is cleared only by resetKillSwitch, which records who and when", () => {
    const store = new MemoryAuditedStore();
    const ks = new KillSwitch(store, defaults);
    run(ks, [
      [0, 10_000],
      [30, 9_600],
    ]);
    const resetAt = T0 + 120 * M;
    const cleared = resetKillSwitch(store, "alice", resetAt);
    expect(cleared?.rule).toBe("rolling-drop");
    expect(ks.check().verdict).toBe("allow");
    // Measures afresh after the reset: the old high no longer counts.
    expect(ks.observe(T0 + 121 * M, 9_600)).toBeUndefined();
    expect(JSON.parse(store.get(KILL_SWITCH_LAST_RESET_KEY) as string)).toMatchObject({ by: "alice", time: resetAt });
    expect(store.events().map((e) => e.kind)).toEqual(["kill-switch.set", "kill-switch.reset"]);
    expect(store.events("kill-switch.reset")[0]).toMatchObject({ time: resetAt, detail: { by: "alice" } });
  });

  it("clears the drawdown peak on reset so it does not trip again at once", () => {
    const store = new MemoryStateStore();
    const config = killSwitchSchema.parse({ rollingDrop: { enabled: false } });
    run(new KillSwitch(store, config), [
      [0, 10_000],
      [600, 7_000],
    ]);
    resetKillSwitch(store, "bob", T0);
    expect(
      run(new KillSwitch(store, config), [
        [700, 7_000],
        [760, 6_900],
      ]),
    ).toBeUndefined();
  });

  it("notices a latch another writer puts in the store between two time steps", () => {
    const latch = JSON.stringify({ rule: "max-drawdown", time: T0, reason: "set elsewhere", equity: 1, reference: 2 });
    // A memory store counts its changes, so the switch may skip reading while nothing changed; a store without a
    // count (one that other processes write) is read on every step.
    const counting = new MemoryStateStore();
    const plain = new Map<string, string>();
    const notCounting = {
      get: (key: string) => plain.get(key),
      set: (key: string, value: string) => void plain.set(key, value),
      delete: (key: string) => void plain.delete(key),
    };
    for (const store of [counting, notCounting]) {
      const ks = new KillSwitch(store, defaults);
      expect(ks.observe(T0, 10_000)).toBeUndefined();
      expect(ks.observe(T0 + M, 10_000)).toBeUndefined();
      store.set(KILL_SWITCH_KEY, latch);
      expect(ks.observe(T0 + 2 * M, 10_000)?.reason).toContain("set elsewhere");
    }
  });

  it("refuses a reset without a person's name", () => {
    expect(() => resetKillSwitch(new MemoryStateStore(), "  ", T0)).toThrow(/name of the person/);
  });
});
