import { describe, expect, it } from "vitest";
import { createRandom } from "../../../domain/random.js";
import { genomeToSpec } from "../genome-spec.js";
import { mutate, randomGenome } from "../operators.js";
import { routeSpecs } from "./screen-routing.js";

const random = createRandom("screen-routing");
const parents = Array.from({ length: 10 }, () => randomGenome(random));
const specs = Array.from({ length: 400 }, (_, i) =>
  genomeToSpec(
    i < parents.length ? (parents[i] as (typeof parents)[number]) : mutate(random.pick(parents), random, 0.3),
  ),
);

describe("routeSpecs", () => {
  it("gives every spec to exactly one worker, each worker's specs in batch order", () => {
    const routes = routeSpecs(specs, 3);
    expect(routes.flat().sort((a, b) => a - b)).toEqual(specs.map((_, i) => i));
    for (const route of routes) expect(route).toEqual([...route].sort((a, b) => a - b));
  });

  it("keeps every worker within the slack above an even share", () => {
    for (const workers of [2, 3, 4]) {
      const cap = Math.ceil((specs.length / workers) * 1.05);
      for (const route of routeSpecs(specs, workers, 0.05)) expect(route.length).toBeLessThanOrEqual(cap);
    }
  });

  it("sends a spec to the same worker whatever batch it comes in, while its worker is under the cap", () => {
    const whole = routeSpecs(specs, 2, 1);
    const half = routeSpecs(specs.slice(0, 200), 2, 1);
    const workerOf = (routes: number[][], i: number) => routes.findIndex((r) => r.includes(i));
    for (let i = 0; i < 200; i++) expect(workerOf(half, i)).toBe(workerOf(whole, i));
  });

  it("routes specs that share their indicators together (a mutant family is not spread over every worker)", () => {
    const first = specs[0] as (typeof specs)[number];
    const twins = Array.from({ length: 6 }, (_, i) => ({ ...first, name: `twin${i}` }));
    // Without a cap the six go to one worker; with an even cap (3 each) they still fill one worker first.
    expect(routeSpecs(twins, 2, 1).filter((r) => r.length > 0)).toHaveLength(1);
    expect(routeSpecs(twins, 2, 0).map((r) => r.length)).toEqual(expect.arrayContaining([3, 3]));
  });

  it("gives one worker the whole batch", () => {
    expect(routeSpecs(specs.slice(0, 5), 1)).toEqual([[0, 1, 2, 3, 4]]);
  });
});
