import { resolveParameters, SpecError } from "../strategy/spec/compile.js";
import type { StrategySpec } from "../strategy/spec/schema.js";

/** Values to try for each parameter, e.g. `{ fast: [5, 10, 20], slow: [50, 100] }`. */
export type ParameterGrid = Readonly<Record<string, readonly number[]>>;

/**
 * Every combination of a grid, in a fixed order: like nested loops over the keys in the object's order, the first
 * key outermost and the last one varying fastest, each key's values in list order. `{}` gives one empty
 * combination (the strategy's defaults).
 */
export function cartesian(grid: ParameterGrid): Record<string, number>[] {
  let combinations: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    const next: Record<string, number>[] = [];
    for (const combination of combinations) for (const value of values) next.push({ ...combination, [name]: value });
    combinations = next;
  }
  return combinations;
}

/**
 * Checks a grid (and fixed parameter values) against the spec's declared parameters before anything runs: every
 * problem is reported at once, each naming the parameter and value: an unknown name (the known ones are listed), an
 * empty or non-array list, a duplicate value, a value that is not a number, not an integer where one is required,
 * or outside the declared [min, max]; a parameter both fixed and in the grid.
 */
export function validateGrid(
  spec: StrategySpec,
  grid: ParameterGrid,
  fixed: Readonly<Record<string, number>> = {},
): void {
  const problems: string[] = [];
  const known = Object.keys(spec.parameters);
  const knownText = known.length > 0 ? known.join(", ") : "none";
  const check = (where: string, name: string, value: number): void => {
    try {
      resolveParameters(spec, { [name]: value });
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      problems.push(`${where}: ${error.message}`);
    }
  };
  for (const [name, value] of Object.entries(fixed)) {
    if (!(name in spec.parameters)) problems.push(`params.${name}: unknown parameter (parameters: ${knownText})`);
    else check(`params.${name}`, name, value);
    if (name in grid) problems.push(`${name} is both a fixed parameter and in the grid; give it in one place`);
  }
  for (const [name, values] of Object.entries(grid)) {
    if (!(name in spec.parameters)) {
      problems.push(`grid.${name}: unknown parameter (parameters: ${knownText})`);
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      problems.push(`grid.${name}: needs a non-empty list of values`);
      continue;
    }
    const seen = new Set<number>();
    values.forEach((value, i) => {
      if (typeof value !== "number") {
        problems.push(`grid.${name}[${i}]: ${JSON.stringify(value)} is not a number`);
        return;
      }
      if (seen.has(value)) problems.push(`grid.${name}[${i}]: duplicate value ${value}`);
      seen.add(value);
      check(`grid.${name}[${i}]`, name, value);
    });
  }
  if (problems.length > 0) {
    throw new SpecError(`invalid parameter grid for strategy ${spec.name}: ${problems.join("; ")}`);
  }
}

/** Number of combinations a grid expands to, without expanding it. */
export function combinationCount(grid: ParameterGrid): number {
  let count = 1;
  for (const values of Object.values(grid)) count *= values.length;
  return count;
}
