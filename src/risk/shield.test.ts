import { describe, expect, it } from "vitest";
import { MacroRiskLayer } from "./context/macro.js";
import { type RiskCheckResult, type RiskLayer, RiskShield } from "./shield.js";
import { MemoryStateStore } from "./state-store.js";
import { context, FakePortfolio, order } from "./testing/fixtures.js";

const verdict = (layer: string, v: RiskCheckResult["verdict"], scale?: number): RiskCheckResult => ({
  layer,
  verdict: v,
  reason: `${layer} says ${v}`,
  ...(scale !== undefined ? { scale } : {}),
});

const layer = (name: string, phase: RiskLayer["phase"], result: RiskCheckResult["verdict"], scale?: number) =>
  ({ name, phase, check: () => verdict(name, result, scale) }) as RiskLayer;

describe("RiskShield", () => {
  it("records one verdict per layer, adjusters first, then limits, then the final phase", () => {
    const shield = new RiskShield([
      layer("limit", "limit", "scale", 0.5),
      layer("final", "final", "allow"),
      layer("adjust", "adjust", "scale", 2),
    ]);
    const decision = shield.evaluate(order({ quantity: 10 }), context(new FakePortfolio(10_000)));
    expect(decision.verdicts.map((v) => v.layer)).toEqual(["adjust", "limit", "final"]);
    expect(decision.quantity).toBe(10);
    expect(decision.approved).toBe(true);
  });

  it("leaves the final phase out of the record when a limit denied the order", () => {
    const shield = new RiskShield([layer("final", "final", "allow"), layer("limit", "limit", "deny")]);
    const decision = shield.evaluate(order(), context(new FakePortfolio(10_000)));
    expect(decision.verdicts.map((v) => v.layer)).toEqual(["limit"]);
    expect(decision.verdicts).toHaveLength(1);
    expect(decision.reason).toBe("limit: limit says deny");
  });

  it("does not call observe on a layer that has nothing to observe, and does on the others", () => {
    const seen: string[] = [];
    const watching = { ...layer("watching", "limit", "allow"), observe: () => void seen.push("watching") };
    const idle = { ...layer("idle", "limit", "allow"), observesSteps: false, observe: () => void seen.push("idle") };
    new RiskShield([watching, idle]).observe(0, 10_000);
    expect(seen).toEqual(["watching"]);
    // A macro layer without index series is such a layer; with series it observes.
    const store = new MemoryStateStore();
    expect(new MacroRiskLayer({ providers: {}, store }).observesSteps).toBe(false);
    const spy = { name: "SPY", at: () => undefined };
    expect(new MacroRiskLayer({ providers: { SPY: spy }, store }).observesSteps).toBe(true);
  });
});
