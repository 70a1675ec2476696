import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../state-store.js";
import { clearMacroRisk, MACRO_RISK_KEY, MacroRiskLayer, readMacroRisk } from "./macro.js";
import { type ContextProvider, memoryProvider } from "./provider.js";
import { testContext, testOrder } from "./testing.js";
import { decisionInstant } from "./time.js";

const H = 3_600_000;
/** Tuesday 2024-03-05 14:00 UTC. */
const T = Date.UTC(2024, 2, 5, 14);

/** Hourly closes known at T, T+1h, …; maxAge 2h as the CSV loader would default for hourly data. */
function closes(name: string, values: readonly number[], start = T): ContextProvider<number> {
  return memoryProvider(
    name,
    values.map((value, i) => ({ time: start + i * H, value })),
    { maxAgeMs: 2 * H },
  );
}

/** Checks a 1-unit buy decided at the close of the 1h bar that closes at `instant`. */
function checkAt(layer: MacroRiskLayer, instant: number, overrides = {}) {
  const order = testOrder(instant - H, overrides);
  expect(decisionInstant(order.time, testContext(order).market)).toBe(instant);
  return layer.check(order, testContext(order));
}

describe("MacroRiskLayer", () => {
  it("goes HIGH and halves the size when SPY falls more than 1 % in an hour, saying by how much and when", () => {
    const store = new MemoryStateStore();
    const layer = new MacroRiskLayer({ providers: { SPY: closes("SPY", [500, 493]) }, store });
    const result = checkAt(layer, T + H);
    expect(result.verdict).toBe("scale");
    expect(result.scale).toBe(0.5);
    expect(result.reason).toMatch(
      /^SPY -1\.40 % in 1h at 2024-03-05 15:00 \(close 493 vs 500; limit -1\.00 %\) → risk HIGH ×0\.5/,
    );
    expect(readMacroRisk(store)?.symbol).toBe("SPY");
  });

  it("trips on QQQ alone", () => {
    const layer = new MacroRiskLayer({
      providers: { SPY: closes("SPY", [500, 499]), QQQ: closes("QQQ", [400, 394]) },
      store: new MemoryStateStore(),
    });
    expect(checkAt(layer, T + H).reason).toMatch(/^QQQ -1\.50 %/);
  });

  it("stays normal on a fall of exactly 1 % or less, and reports the moves", () => {
    const layer = new MacroRiskLayer({
      providers: { SPY: closes("SPY", [500, 495]), QQQ: closes("QQQ", [400, 401]) },
      store: new MemoryStateStore(),
    });
    const result = checkAt(layer, T + H);
    expect(result.verdict).toBe("allow");
    expect(result.reason).toBe(
      "SPY -1.00 % in 1h at 2024-03-05 15:00, QQQ +0.25 % in 1h at 2024-03-05 15:00 → risk normal ×1",
    );
  });

  it("latches: later recovery does not clear it, and a new layer on the same store (a restart) is still HIGH", () => {
    const store = new MemoryStateStore();
    const spy = closes("SPY", [500, 493, 510, 520]);
    const layer = new MacroRiskLayer({ providers: { SPY: spy }, store });
    expect(checkAt(layer, T + H).scale).toBe(0.5);
    expect(checkAt(layer, T + 3 * H).scale).toBe(0.5);
    const restarted = new MacroRiskLayer({ providers: { SPY: spy }, store });
    const result = checkAt(restarted, T + 30 * H);
    expect(result.scale).toBe(0.5);
    expect(result.reason).toContain("latched until a person clears it");
  });

  it("is cleared by a person, and the drop that tripped it does not trip it again; a new drop does", () => {
    const store = new MemoryStateStore();
    const layer = new MacroRiskLayer({ providers: { SPY: closes("SPY", [500, 493, 494, 480]) }, store });
    expect(checkAt(layer, T + H).scale).toBe(0.5);
    const cleared = clearMacroRisk(store, "alice");
    expect(cleared?.symbol).toBe("SPY");
    expect(store.get(MACRO_RISK_KEY)).toBeUndefined();
    const restarted = new MacroRiskLayer({ providers: { SPY: closes("SPY", [500, 493, 494, 480]) }, store });
    expect(checkAt(restarted, T + H).verdict).toBe("allow");
    expect(checkAt(restarted, T + 2 * H).verdict).toBe("allow");
    expect(checkAt(restarted, T + 3 * H).scale).toBe(0.5);
    expect(clearMacroRisk(new MemoryStateStore(), "bob")).toBeUndefined();
    expect(() => clearMacroRisk(store, " ")).toThrow(/who clears it/);
  });

  it("catches a drop that happened between two checks through observe", () => {
    const store = new MemoryStateStore();
    const layer = new MacroRiskLayer({ providers: { SPY: closes("SPY", [500, 500, 490, 500, 501, 502]) }, store });
    expect(checkAt(layer, T + H).verdict).toBe("allow");
    for (let t = T; t <= T + 4 * H; t += H) layer.observe(t);
    const result = checkAt(layer, T + 5 * H);
    expect(result.scale).toBe(0.5);
    expect(result.reason).toMatch(/^SPY -2\.00 % in 1h at 2024-03-05 16:00/);
  });

  it("sees every close between two checks even without observe", () => {
    const layer = new MacroRiskLayer({
      providers: { SPY: closes("SPY", [500, 500, 490, 500, 501, 502]) },
      store: new MemoryStateStore(),
    });
    expect(checkAt(layer, T + H).verdict).toBe("allow");
    expect(checkAt(layer, T + 5 * H).scale).toBe(0.5);
  });

  it("never uses a close known after the decision instant", () => {
    const store = new MemoryStateStore();
    // The 493 close is known at 15:00; a decision at 14:59:59.999 must not see it.
    const layer = new MacroRiskLayer({ providers: { SPY: closes("SPY", [500, 493]) }, store });
    const order = testOrder(T + H - 1, {});
    const result = layer.check(order, testContext(order, Number.NaN));
    expect(result.verdict).toBe("allow");
    expect(readMacroRisk(store)).toBeUndefined();
  });

  it("is neutral without data and says so: no files, before the data, and equities closed at the weekend", () => {
    const none = new MacroRiskLayer({ providers: {}, store: new MemoryStateStore(), note: "no files configured" });
    expect(checkAt(none, T).reason).toBe("no macro data (no files configured) → neutral ×1");
    const spy = closes("SPY", [500, 501]);
    const layer = new MacroRiskLayer({ providers: { SPY: spy }, store: new MemoryStateStore() });
    expect(checkAt(layer, T - 5 * H).reason).toBe("no macro data (SPY: SPY starts at 2024-03-05 14:00) → neutral ×1");
    const saturday = Date.UTC(2024, 2, 9, 12);
    const result = checkAt(layer, saturday);
    expect(result.verdict).toBe("allow");
    expect(result.reason).toBe(
      "no macro data (SPY: SPY last point 2024-03-05 15:00 is 3d21h old, limit 2h) → neutral ×1",
    );
  });

  it("does not compare across an overnight gap: the previous close must be fresh too", () => {
    const overnight = memoryProvider(
      "SPY",
      [
        { time: T, value: 500 },
        { time: T + 18 * H, value: 480 },
      ],
      { maxAgeMs: 2 * H },
    );
    const layer = new MacroRiskLayer({ providers: { SPY: overnight }, store: new MemoryStateStore() });
    const result = checkAt(layer, T + 18 * H);
    expect(result.verdict).toBe("allow");
    expect(result.reason).toContain("SPY 480 at 2024-03-06 08:00, no close 1h before");
  });

  it("records a reduce-only order without sizing it", () => {
    const layer = new MacroRiskLayer({ providers: { SPY: closes("SPY", [500, 493]) }, store: new MemoryStateStore() });
    const result = checkAt(layer, T + H, { reduceOnly: true, side: "sell" });
    expect(result.verdict).toBe("allow");
    expect(result.reason).toContain("reduces a position");
  });

  it("fails closed on an unreadable latch", () => {
    const store = new MemoryStateStore();
    store.set(MACRO_RISK_KEY, "{oops");
    const layer = new MacroRiskLayer({ providers: {}, store });
    const result = checkAt(layer, T);
    expect(result.scale).toBe(0.5);
    expect(result.reason).toContain("unreadable value");
  });

  it("uses the configured threshold, window and scale", () => {
    const layer = new MacroRiskLayer({
      providers: { SPY: closes("SPY", [500, 498, 496]) },
      store: new MemoryStateStore(),
      drop: 0.005,
      windowMs: 2 * H,
      scale: 0.25,
    });
    const result = checkAt(layer, T + 2 * H);
    expect(result.scale).toBe(0.25);
    expect(result.reason).toMatch(/^SPY -0\.80 % in 2h/);
    expect(() => new MacroRiskLayer({ providers: {}, store: new MemoryStateStore(), drop: 2 })).toThrow(/drop/);
  });
});
