import type { StrategySpec } from "../../strategy/spec/schema.js";
import type { FitnessEvaluator } from "./evolver.js";
import { evaluateFitness, type Fitness, type FitnessPlan } from "./fitness.js";
import type { ScreeningData } from "./screening/screen.js";

/** A fitness that cannot be ranked, with the error that prevented it. */
export function failedFitness(reason: string, blocks: number): Fitness {
  return {
    fitness: null,
    reason,
    outOfSample: { sharpe: null, totalReturn: 0, maxDrawdown: 0, trades: 0, winRate: null, bars: 0 },
    complexity: 0,
    blockStats: new Array<number>(blocks * 3).fill(0),
  };
}

/** Evaluates one spec, turning an error (a spec that does not compile) into an unranked fitness with its reason. */
export function safeFitness(data: ScreeningData, spec: StrategySpec, plan: FitnessPlan): Fitness {
  try {
    return evaluateFitness(data, spec, plan);
  } catch (error) {
    return failedFitness((error as Error).message, plan.blocks);
  }
}

/** Fitness in the calling thread: the indicator and condition caches of `data` serve the whole search. */
export function localEvaluator(data: ScreeningData, plan: FitnessPlan): FitnessEvaluator {
  return {
    evaluate: async (specs) => specs.map((spec) => safeFitness(data, spec, plan)),
  };
}
