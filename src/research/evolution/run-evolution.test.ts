import { describe, expect, it } from "vitest";
import { runEvolution } from "./run-evolution.js";
import { syntheticHourlyBars } from "./testing/synthetic-markets.js";

// Both proofs use the same pipeline, seed and settings; only the data differ.
const settings = { generations: 8, seed: 1, finalists: 3 } as const;

describe("evolution proofs", () => {
  it("finds a planted edge: the best strategy passes every gate on bars the search never saw", async () => {
    const series = syntheticHourlyBars({ seed: 3, bars: 8000, edge: 0.001 });
    const run = await runEvolution({ series, ...settings });
    const best = run.finalists[0]!;
    expect(best.outOfSample.sharpe).toBeGreaterThan(5);
    expect(best.gates.holdout.sharpe).toBeGreaterThan(5);
    expect(best.gates.passed).toBe(true);
    expect(best.gates.gates.map((g) => g.gate)).toEqual([
      "holdout Sharpe",
      "holdout max drawdown",
      "holdout trades",
      "flash-crash stress",
      "deflated Sharpe ratio",
      "probability of backtest overfitting",
      "bootstrap vs buy-and-hold",
    ]);
    expect(run.pbo!.pbo).toBeLessThan(0.1);
  }, 120_000);

  it("on pure noise, the gates reject everything the evolver finds, however good its search fitness", async () => {
    const series = syntheticHourlyBars({ seed: 3, bars: 8000, edge: 0 });
    const run = await runEvolution({ series, ...settings });
    expect(run.finalists.length).toBe(3);
    expect(run.finalists[0]!.fitness).toBeGreaterThan(1);
    for (const finalist of run.finalists) {
      expect(finalist.gates.passed).toBe(false);
      expect(finalist.deflatedSharpe.dsr).toBeLessThan(0.95);
    }
    expect(run.blacklisted).toBe(3);
  }, 120_000);
});
