import { describe, expect, it } from "vitest";
import { optimize } from "./optimize.js";
import type { Sampler } from "./tpe.js";

/** Proposes x = 0, 1, 2, … in order, so each trial's fold values are known in advance. */
function counting(): Sampler {
  let x = 0;
  return { name: "counting", suggest: () => ({ x: x++ }) };
}

describe("optimize with median pruning", () => {
  // Trials 0–5 are good on every fold; from trial 6 on, odd x are bad from the first fold.
  const objective = {
    folds: 3,
    evaluate: (p: Readonly<Record<string, number>>, fold: number) =>
      (p.x as number) >= 6 && (p.x as number) % 2 === 1 ? -1 : 1 + fold * 0.1 + (p.x as number) * 0.01,
  };

  it("stops a trial after its first fold when its running mean is below the median of completed trials", () => {
    const result = optimize({ sampler: counting(), objective, trials: 12, pruneAfter: 5 });
    const pruned = result.trials.filter((t) => t.pruned).map((t) => t.params.x);
    expect(pruned).toEqual([7, 9, 11]);
    for (const t of result.trials.filter((t) => t.pruned)) {
      expect(t.foldValues).toHaveLength(1);
      expect(t.value).toBeNull();
    }
    // 9 complete trials × 3 folds + 3 pruned × 1 fold.
    expect(result.evaluations).toBe(30);
    expect(result.pruned).toBe(3);
  });

  it("without pruning runs every fold, and the best is the highest mean", () => {
    const result = optimize({ sampler: counting(), objective, trials: 12, prune: false });
    expect(result.evaluations).toBe(36);
    expect(result.best?.params.x).toBe(10);
    expect(result.best?.value).toBeCloseTo(1 + 0.1 + 0.1, 10);
    expect(result.trials.at(-1)?.bestSoFar).toBeCloseTo(1.2, 10);
  });

  it("gives a trial with a fold that has no value (no trades) no value, never the best", () => {
    const result = optimize({
      sampler: counting(),
      objective: { folds: 2, evaluate: (p, fold) => (p.x === 2 && fold === 1 ? null : (p.x as number)) },
      trials: 3,
      prune: false,
    });
    expect(result.trials[2]?.value).toBeNull();
    expect(result.best?.params.x).toBe(1);
  });
});
