import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import { specHash } from "../../strategy/spec/spec-hash.js";
import { ATOM_NAMES, GeneError, mirrorKind, validateGenome } from "./genes.js";
import { genomeToSpec, voteCondition } from "./genome-spec.js";
import { crossover, mutate, randomGenome } from "./operators.js";

describe("genetic operators", () => {
  it("always yield a valid genome that compiles to a valid spec (random genomes, crossover, mutation chains)", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, steps, rate) => {
          const random = createRandom(seed);
          let a = randomGenome(random);
          let b = randomGenome(random);
          for (let k = 0; k < steps; k++) {
            const child = mutate(crossover(a, b, random), random, rate);
            validateGenome(child);
            const spec = genomeToSpec(child);
            compileSpec(spec);
            expect(specHash(genomeToSpec(structuredClone(child)))).toBe(specHash(spec));
            a = b;
            b = child;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("are deterministic for a seed", () => {
    const run = (seed: number) => {
      const random = createRandom(seed);
      return mutate(crossover(randomGenome(random), randomGenome(random), random), random, 0.5);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("refuse an invalid gene with a message naming it", () => {
    const genome = randomGenome(createRandom(1));
    const bad = { ...genome, entryLong: [{ atom: { kind: "rsiBelow", params: [3, 30] }, weight: 1 }] };
    expect(() => validateGenome(bad)).toThrow(GeneError);
    expect(() => validateGenome(bad)).toThrow(
      /entryLong\.0\.atom\.params\.0: must be a whole number from 7 to 21, got 3/,
    );
    expect(() => validateGenome({ ...genome, entryLong: [] })).toThrow(/entryLong: needs 1 to 3 genes, got 0/);
    expect(() => validateGenome({ ...genome, filter: [{ atom: { kind: "moon" }, weight: 1 }] })).toThrow(
      /unknown "moon"/,
    );
  });

  it("write a weighted vote as the minimal subsets that reach the threshold", () => {
    const gene = (level: number, weight: number) => ({
      atom: { kind: "rsiBelow" as const, params: [14, level] },
      weight,
    });
    const indicators = {};
    // Weights 2, 1, 1 with threshold 0.5 (needs 2 of 4): the heavy gene alone, or both light ones.
    expect(voteCondition([gene(30, 2), gene(25, 1), gene(20, 1)], 0.5, indicators)).toEqual({
      any: [{ lt: ["rsi14", 30] }, { all: [{ lt: ["rsi14", 25] }, { lt: ["rsi14", 20] }] }],
    });
    expect(voteCondition([gene(30, 1), gene(25, 1)], 1, indicators)).toEqual({
      all: [{ lt: ["rsi14", 30] }, { lt: ["rsi14", 25] }],
    });
  });
});

describe("atom mirrors", () => {
  it("name a known kind, and mirroring twice gives the kind back", () => {
    for (const kind of ATOM_NAMES) {
      expect(ATOM_NAMES).toContain(mirrorKind(kind));
      expect(mirrorKind(mirrorKind(kind))).toBe(kind);
    }
  });
});
