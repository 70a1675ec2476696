import { describe, expect, it } from "vitest";
import type { Metrics } from "./metrics/index.js";
import { overfittingStats, type WindowOutcome } from "./overfitting-stats.js";

const window = (
  inSample: number | null,
  outOfSample: number | null,
  totalReturn: number,
  fast = 10,
): WindowOutcome => ({
  params: { fast },
  inSampleObjective: inSample,
  outOfSampleObjective: outOfSample,
  outOfSample: { totalReturn } as unknown as Metrics,
});

describe("overfittingStats", () => {
  it("compares mean in-sample and out-of-sample objective over windows where both are defined", () => {
    const stats = overfittingStats(
      [window(2, 1, 0.05), window(1, -0.5, -0.02, 20), window(null, 3, 0.1, 20), window(3, 0.5, 0, 10)],
      "sharpe",
    );
    expect(stats.pairedWindows).toBe(3);
    expect(stats.meanInSample).toBeCloseTo(2, 12);
    expect(stats.meanOutOfSample).toBeCloseTo(1 / 3, 12);
    expect(stats.efficiency).toBeCloseTo(1 / 6, 12);
    // A return of exactly 0 is not positive.
    expect(stats.positiveOutOfSampleShare).toBe(0.5);
    expect(stats.parameterChanges).toBe(2);
  });

  it("has no efficiency when the in-sample mean is not positive, and no means without paired windows", () => {
    expect(overfittingStats([window(-1, 0.5, 0.1)], "sharpe").efficiency).toBeNull();
    const none = overfittingStats([window(null, 1, 0.1)], "sharpe");
    expect([none.meanInSample, none.meanOutOfSample, none.efficiency]).toEqual([null, null, null]);
    expect(overfittingStats([], "sharpe").positiveOutOfSampleShare).toBeNull();
  });
});
