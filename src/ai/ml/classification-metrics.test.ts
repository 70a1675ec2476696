import { describe, expect, it } from "vitest";
import { areaUnderRoc, classificationMetrics } from "./classification-metrics.js";

describe("classificationMetrics", () => {
  it("computes accuracy, precision, recall, log-loss and Brier score at the 0.5 cut", () => {
    const p = [0.9, 0.8, 0.3, 0.6, 0.2];
    const y = [1, 0, 0, 1, 1];
    const m = classificationMetrics(p, y);
    expect(m.accuracy).toBeCloseTo(3 / 5, 12); // 0.9→1 ✓, 0.8→1 ✗, 0.3→0 ✓, 0.6→1 ✓, 0.2→0 ✗
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    const logLoss = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.6) + Math.log(0.2)) / 5;
    expect(m.logLoss).toBeCloseTo(logLoss, 12);
    expect(m.brier).toBeCloseTo((0.01 + 0.64 + 0.09 + 0.16 + 0.64) / 5, 12);
    expect(m.baseRate).toBeCloseTo(0.6, 12);
  });

  it("leaves out and counts rows whose probability (no vote) or label is NaN", () => {
    const m = classificationMetrics([0.7, Number.NaN, 0.4], [1, 1, Number.NaN]);
    expect(m.rows).toBe(1);
    expect(m.skipped).toBe(2);
  });

  it("puts each probability in its reliability bin with the observed rate", () => {
    const m = classificationMetrics([0.05, 0.08, 0.95, 1], [0, 1, 1, 1]);
    expect(m.calibration[0]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(m.calibration[0]?.meanPredicted).toBeCloseTo(0.065, 12);
    expect(m.calibration[9]).toMatchObject({ count: 2, observedRate: 1 });
    expect(m.calibration[5]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
  });
});

describe("areaUnderRoc", () => {
  it("is 1 for a perfect ranking, 0.5 for all-tied scores and null with one class", () => {
    expect(areaUnderRoc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(areaUnderRoc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(areaUnderRoc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it("matches the pairwise definition (ties count half)", () => {
    const p = [0.3, 0.7, 0.7, 0.1, 0.5, 0.9];
    const y = [0, 1, 0, 0, 1, 1];
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < p.length; i++) {
      for (let j = 0; j < p.length; j++) {
        if (y[i] === 1 && y[j] === 0) {
          pairs++;
          wins += (p[i] as number) > (p[j] as number) ? 1 : p[i] === p[j] ? 0.5 : 0;
        }
      }
    }
    expect(areaUnderRoc(p, y)).toBeCloseTo(wins / pairs, 12);
  });
});
