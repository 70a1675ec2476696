/** Test-only array comparison with TA-Lib's tolerance conventions. */
import { assert } from "vitest";
import type { Numbers } from "../types.js";

/**
 * Asserts that `actual` and `expected` have the same length, NaN at exactly the same positions, and elsewhere
 * `|a - b| <= relTol * max(1, |b|)`. On failure the message names the first mismatching index and both values.
 * `label` prefixes the message (e.g. "RSI_14 on SPY").
 */
export function expectClose(actual: Numbers, expected: Numbers, relTol = 1e-9, label = "values"): void {
  if (actual.length !== expected.length) {
    assert.fail(`${label}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const aNaN = Number.isNaN(a);
    const bNaN = Number.isNaN(b);
    if (aNaN || bNaN) {
      if (aNaN !== bNaN) assert.fail(`${label}: index ${i} is ${a}, expected ${b} (NaN positions differ)`);
      continue;
    }
    if (!(Math.abs(a - b) <= relTol * Math.max(1, Math.abs(b)))) {
      assert.fail(`${label}: index ${i} is ${a}, expected ${b} (difference ${a - b}, tolerance ${relTol} relative)`);
    }
  }
}
