import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { bars } from "../../execution/testing/bars.js";
import type { PositionManager } from "../../risk/position/types.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { Strategy } from "../../strategy/strategy.js";
import { runStressTest } from "./stress-test.js";

const market = simulateMarket({ seed: 42, bars: 3000, symbol: "SIM/USDT", flashCrashProbability: 0 }).series;
const base = { series: market, cash: 10_000, fee: 0.001 } as const;

/** Buys whenever it is flat, with an optional stop attached to every entry. */
function alwaysLong(stopLossPct?: number): Strategy {
  return {
    name: "always-long",
    parameters: {},
    init: () => (context) =>
      context.position.quantity === 0
        ? { action: "buy", reason: "flat: buy", ...(stopLossPct ? { exits: { stopLossPct } } : {}) }
        : undefined,
  };
}

describe("runStressTest", () => {
  it("fails sma-cross without a stop: no stop-loss exists, and riding the crash costs about the whole drop", () => {
    const report = runStressTest({ ...base, strategy: loadStrategy("sma-cross") });
    expect(report.passed).toBe(false);
    expect(report.stop).toEqual({ exists: false, declared: [], observed: [] });
    expect(report.reasons.join("\n")).toMatch(/no stop-loss/);
    expect(report.injections).toHaveLength(5);
    const long = report.injections.filter((i) => i.position === "long");
    expect(long.length).toBe(5);
    for (const injection of long) {
      expect(injection.positionStopped).toBe(false);
      expect(injection.stopExits).toEqual([]);
      // 100 % of equity long into a 20 % drop that closes at its low.
      expect(injection.maxDrawdown).toBeGreaterThan(0.15);
      expect(injection.passed).toBe(false);
      expect(injection.reasons[0]).toMatch(/max drawdown .* ≥ threshold 15\.0 %/);
    }
  });

  it("passes sma-cross with stopLoss=3: in every long injection its stop closes the position at about −3 %", () => {
    const report = runStressTest({ ...base, strategy: loadStrategy("sma-cross", { stopLoss: 3 }) });
    expect(report.stop.declared).toEqual(["stopLossPct 3"]);
    expect(report.stop.observed).toEqual(["strategy exits (stopLossPct)"]);
    const long = report.injections.filter((i) => i.position === "long");
    expect(long.length).toBe(5);
    for (const injection of long) {
      expect(injection.positionStopped).toBe(true);
      expect(injection.stopExits[0]?.reason).toBe("stop-loss");
      expect(injection.stopExits[0]?.time).toBe(injection.time);
      // The stop sits 3 % below the entry: the trade loses 3 % plus two fees of 0.1 %; measured from the equity
      // before the crash, the drawdown also gives back what the position had gained since its entry.
      expect(injection.stopExits[0]?.returnPct).toBeCloseTo(-0.032, 3);
      expect(injection.maxDrawdown).toBeLessThan(0.1);
      expect(injection.liquidated).toBe(false);
      expect(injection.reentryLoop).toBe(false);
      expect(injection.passed).toBe(true);
    }
    expect(report.passed).toBe(true);
    expect(report.reasons[0]).toMatch(/the stop fired in 5 of 5 injections/);
  });

  it("fails sma-cross with stopLoss=3 when the crash gaps: the stop fires but fills at the bottom", () => {
    const report = runStressTest({ ...base, strategy: loadStrategy("sma-cross", { stopLoss: 3 }), gap: true });
    const long = report.injections.filter((i) => i.position === "long");
    expect(long.length).toBeGreaterThan(0);
    for (const injection of long) {
      expect(injection.positionStopped).toBe(true);
      expect(injection.stopExits[0]?.reason).toMatch(/^stop-loss \(gap through/);
      expect(injection.maxDrawdown).toBeGreaterThan(0.15);
    }
    expect(report.passed).toBe(false);
    expect(report.reasons.join("\n")).not.toMatch(/no stop-loss|never fired/);
  });

  it("shows the re-entry loop of a strategy that re-buys every bar into a market that keeps falling", () => {
    // Calm, then from bar 20 every bar trades 1.5 % below its open: a 1 % stop fires on each.
    const rows: [number, number, number, number][] = [];
    let price = 100;
    for (let i = 0; i < 60; i++) {
      if (i >= 20) {
        rows.push([price, price * 1.001, price * 0.985, price * 0.987]);
        price *= 0.987;
      } else rows.push([price, price * 1.001, price * 0.999, price]);
    }
    const report = runStressTest({
      series: bars(rows),
      strategy: alwaysLong(0.01),
      cash: 10_000,
      fee: 0.001,
      injections: 1,
      windowBars: 24,
    });
    const [injection] = report.injections;
    expect(injection?.index).toBe(10);
    expect(injection?.position).toBe("long");
    expect(injection?.positionStopped).toBe(true);
    expect(injection?.entries).toBeGreaterThanOrEqual(2);
    expect(injection?.losingEntries).toBeGreaterThanOrEqual(2);
    expect(injection?.reentryLoop).toBe(true);
    expect(injection?.reasons.join("\n")).toMatch(/re-entry loop: \d+ of \d+ positions opened in the crash window/);
    expect(report.passed).toBe(false);
  });

  it("finds no re-entry loop when the strategy re-buys once after the crash into a market that recovers", () => {
    const rows = Array.from({ length: 60 }, () => [100, 100.1, 99.9, 100] as [number, number, number, number]);
    const report = runStressTest({
      series: bars(rows),
      strategy: alwaysLong(0.03),
      cash: 10_000,
      fee: 0,
      injections: 1,
      windowBars: 12,
    });
    const [injection] = report.injections;
    expect(injection?.positionStopped).toBe(true);
    expect(injection?.entries).toBe(1);
    expect(injection?.losingEntries).toBe(0);
    expect(injection?.reentryLoop).toBe(false);
    expect(injection?.maxDrawdown).toBeCloseTo(0.03, 6);
    expect(report.passed).toBe(true);
  });

  it("counts an initial stop set by position management as the stop, and sees it fire", () => {
    const manager = (): PositionManager => ({
      onOpen: (view) => [{ kind: "set-stop", price: view.entryPrice * 0.95, reason: "initial stop 5 %" }],
      onBar: () => [],
      onClose: () => {},
    });
    const report = runStressTest({ ...base, strategy: loadStrategy("sma-cross"), positionManager: manager });
    expect(report.stop).toEqual({ exists: true, declared: [], observed: ["position management set-stop"] });
    const long = report.injections.filter((i) => i.position === "long");
    expect(long.length).toBeGreaterThan(0);
    // Drawdown counts from the equity peak, so a run-up before the crash adds to the stop's 5 %: below the threshold.
    expect(long.every((i) => i.positionStopped && i.maxDrawdown < 0.15)).toBe(true);
    expect(report.passed).toBe(true);
  });

  it("fails a strategy that is never long: the crash could not test a stop, and says so", () => {
    const never: Strategy = { name: "never", parameters: {}, init: () => () => undefined };
    const report = runStressTest({ ...base, strategy: never, injections: 3 });
    expect(report.injections.map((i) => i.position)).toEqual(["flat", "flat", "flat"]);
    expect(report.injections.every((i) => i.chosenBecause.startsWith("evenly spaced") && i.maxDrawdown === 0)).toBe(
      true,
    );
    expect(report.reasons.join("\n")).toMatch(/no injection found a long position/);
    expect(report.passed).toBe(false);
  });

  it("is deterministic and leaves the input series untouched", () => {
    const before = Array.from(market.close);
    const a = runStressTest({ ...base, strategy: loadStrategy("sma-cross", { stopLoss: 2 }) });
    const b = runStressTest({ ...base, strategy: loadStrategy("sma-cross", { stopLoss: 2 }) });
    expect(a).toEqual(b);
    expect(Array.from(market.close)).toEqual(before);
  });

  it("rejects bad settings and a series too short for the window, naming the value", () => {
    const strategy = loadStrategy("sma-cross");
    expect(() => runStressTest({ ...base, strategy, crash: 1.5 })).toThrow(/crash must be .* got 1\.5/);
    expect(() => runStressTest({ ...base, strategy, injections: 0 })).toThrow(/injections .* got 0/);
    expect(() => runStressTest({ ...base, strategy, threshold: 0 })).toThrow(/threshold .* got 0/);
    const short = bars(Array.from({ length: 40 }, () => [100, 101, 99, 100] as [number, number, number, number]));
    expect(() => runStressTest({ ...base, series: short, strategy })).toThrow(/40 bars are too few/);
  });
});
