import { describe, expect, it } from "vitest";
import { DecisionCombiner } from "../../engine/combiner.js";
import { riskConfigSchema } from "../../risk/config.js";
import { prepareAiRun } from "./backtest-ai.js";

describe("prepareAiRun", () => {
  it("turns the shield's confidence and regime multipliers off and sizes with the config's regime factors", () => {
    const risk = riskConfigSchema.parse({ sizing: { regimeAdjustment: { enabled: true, bull: 1.5 } } });
    const run = prepareAiRun({}, risk);
    expect(run.risk?.sizing.confidenceScaling.enabled).toBe(false);
    expect(run.risk?.sizing.regimeAdjustment.enabled).toBe(false);
    expect(run.risk?.limits).toEqual(risk.limits);
    const decision = new DecisionCombiner(run.ensemble.orchestrator.combinerOptions).combine(
      [{ source: "atl-technical", symbol: "X", action: "buy", confidence: 1, reasons: ["cross"] }],
      { regime: "bull" },
    );
    expect(decision.sizeFactor).toBe(1.5);
  });

  it("runs without a shield with --no-risk (regime unknown: factor 1)", () => {
    const run = prepareAiRun({ fast: 10 }, undefined);
    expect(run.risk).toBeUndefined();
    expect(run.ensemble.technical.parameters.fast).toBe(10);
  });
});
