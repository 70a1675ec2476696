import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../../data/simulated/index.js";
import { createRandom } from "../../../domain/random.js";
import { evolve } from "../evolver.js";
import { defaultFitnessPlan } from "../fitness.js";
import { genomeToSpec } from "../genome-spec.js";
import { localEvaluator } from "../local-evaluator.js";
import { mutate, randomGenome } from "../operators.js";
import { prepareScreening } from "./screen.js";
import { runJob } from "./screen-jobs.js";
import { ScreenPool } from "./screen-pool.js";

const { series } = simulateMarket({ seed: 12, bars: 2500 });
const settings = { cash: 10_000, fee: 0.001 };
const plan = defaultFitnessPlan(series.length, settings);
const random = createRandom(5);
const specs = Array.from({ length: 9 }, () => genomeToSpec(randomGenome(random)));

describe("screening worker pool", () => {
  it("gives the same answers as the calling thread, in order, on both paths", async () => {
    const pool = ScreenPool.start({ series, settings, plan, workers: 2 });
    try {
      const data = prepareScreening(series);
      expect(await pool.fitness(specs)).toEqual(runJob("fitness", data, settings, plan, specs));
      expect(await pool.screen(specs)).toEqual(runJob("screen", data, settings, plan, specs));
      const engine = await pool.engine(specs.slice(0, 2));
      expect(engine.map((e) => e.trades)).toEqual(
        runJob("engine", data, settings, plan, specs.slice(0, 2)).map((e) => (e as { trades: number }).trades),
      );
    } finally {
      await pool.close();
    }
  }, 90_000);

  it("gives the same results with 1 and 2 workers on a search's mutants (routing only moves work)", async () => {
    const family = createRandom("pool-1-vs-2");
    const parents = Array.from({ length: 6 }, () => randomGenome(family));
    const mutants = Array.from({ length: 48 }, () => genomeToSpec(mutate(family.pick(parents), family, 0.3)));
    const one = ScreenPool.start({ series, settings, plan, workers: 1 });
    const two = ScreenPool.start({ series, settings, plan, workers: 2 });
    try {
      expect(await two.screen(mutants)).toEqual(await one.screen(mutants));
      expect(await two.fitness(mutants)).toEqual(await one.fitness(mutants));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 90_000);

  it("runs an evolution to the same result as the calling thread for a seed", async () => {
    const pool = ScreenPool.start({ series, settings, plan, workers: 2 });
    try {
      const options = { seed: 3, generations: 2, population: 12, elitism: 2 };
      const pooled = await evolve({ ...options, evaluator: pool.evaluator() });
      const local = await evolve({ ...options, evaluator: localEvaluator(prepareScreening(series), plan) });
      expect(pooled.generations).toEqual(local.generations);
      expect(pooled.candidates.map((c) => c.hash)).toEqual(local.candidates.map((c) => c.hash));
    } finally {
      await pool.close();
    }
  }, 90_000);

  it("fails a batch with a clear message when a worker answers garbage or dies, never dropping specs silently", async () => {
    const workerFile = new URL("../testing/bad-screen-worker.mjs", import.meta.url);
    const garbage = ScreenPool.start({ series, settings, plan, workers: 1, workerFile });
    try {
      await expect(garbage.fitness(specs)).rejects.toThrow(
        /screening worker returned no result list \(string\) for 9 specs/,
      );
    } finally {
      await garbage.close();
    }
    const dying = ScreenPool.start({ series, settings, plan: { ...plan, minTrades: 999 }, workers: 1, workerFile });
    try {
      await expect(dying.fitness(specs)).rejects.toThrow(/screening worker exited with code 3 before answering/);
    } finally {
      await dying.close();
    }
  });

  it("refuses a bad worker count, naming it", () => {
    expect(() => ScreenPool.start({ series, settings, workers: 0 })).toThrow(
      /workers must be a whole number >= 1, got 0/,
    );
  });
});
