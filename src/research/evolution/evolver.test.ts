import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/index.js";
import { evolve } from "./evolver.js";
import { defaultFitnessPlan } from "./fitness.js";
import { localEvaluator } from "./local-evaluator.js";
import { prepareScreening } from "./screening/screen.js";

const { series } = simulateMarket({ seed: 4, bars: 3000 });
const data = prepareScreening(series);
const plan = { ...defaultFitnessPlan(series.length, { cash: 10_000, fee: 0.001 }), minTrades: 3 };
const run = (options: Partial<Parameters<typeof evolve>[0]> = {}) =>
  evolve({ evaluator: localEvaluator(data, plan), seed: 9, generations: 4, population: 20, elitism: 3, ...options });

describe("genetic evolver", () => {
  it("is deterministic for a seed", async () => {
    const [a, b] = [await run(), await run()];
    expect(a.candidates.map((c) => c.hash)).toEqual(b.candidates.map((c) => c.hash));
    expect(a.generations).toEqual(b.generations);
  });

  it("keeps the elite, so the best fitness never falls from one generation to the next", async () => {
    const result = await run({ generations: 6 });
    const bests = result.generations.map((g) => g.best ?? Number.NEGATIVE_INFINITY);
    for (let g = 1; g < bests.length; g++) expect(bests[g]).toBeGreaterThanOrEqual(bests[g - 1] as number);
    expect(result.population).toHaveLength(20);
  });

  it("records lineage: every parent hash is a strategy evaluated in an earlier generation", async () => {
    const result = await run();
    const generationOf = new Map(result.candidates.map((c) => [c.hash, c.generation]));
    const children = result.candidates.filter((c) => c.generation > 0);
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      expect(child.parents.length).toBeGreaterThan(0);
      for (const parent of child.parents) expect(generationOf.get(parent)).toBeLessThan(child.generation);
    }
  });

  it("never proposes a blacklisted spec hash", async () => {
    const first = await run();
    const banned = new Map(first.candidates.slice(0, 30).map((c) => [c.hash, "failed a gate"]));
    const second = await run({ blacklist: banned });
    expect(second.blacklistedSkips).toBeGreaterThan(0);
    for (const c of second.candidates) expect(banned.has(c.hash)).toBe(false);
  });

  it("stops at the evaluation budget or on convergence, and says which", async () => {
    const budget = await run({ generations: 50, maxEvaluations: 45 });
    expect(budget.stoppedBecause).toBe("evaluation budget of 45 reached");
    const converged = await run({ generations: 50, patience: 2 });
    expect(converged.stoppedBecause).toMatch(/converged/);
    expect(converged.generations.length).toBeLessThan(50);
  });

  it("evolves strategies for one regime: every spec enters only in it", async () => {
    const result = await run({ generations: 2, regime: "sideways" });
    for (const c of result.candidates) {
      expect(c.spec.indicators.regime).toEqual({ type: "regime" });
      expect(JSON.stringify(c.spec.entry.long)).toContain('{"between":["regime",3,3]}');
    }
  });

  it("refuses a bad setting with a message naming it", async () => {
    await expect(run({ population: 1 })).rejects.toThrow(/population must be a whole number >= 2/);
    await expect(run({ elitism: 20 })).rejects.toThrow(/elitism/);
  });
});
