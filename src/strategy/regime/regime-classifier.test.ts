import { describe, expect, it } from "vitest";
import { RegimeClassifier, type RegimeInputs } from "./regime-classifier.js";
import { REGIME_CODE, type RegimeOptions, resolveRegimeOptions } from "./regime-config.js";

const calm: RegimeInputs = { close: 100, adx: 22, ma: 100, bandwidth: 0.05, volatility: 0.01, peak: 100, change: 0 };

/** A classifier whose 4-bar percentile windows are already full of calm bars (volatility 0.01, width 0.05). */
function warmed(options: Partial<RegimeOptions> = {}): RegimeClassifier {
  const classifier = new RegimeClassifier(resolveRegimeOptions({ percentileWindow: 4, ...options }));
  for (let i = 0; i < 4; i++) classifier.classify(calm);
  return classifier;
}

describe("RegimeClassifier rules", () => {
  it("is -1 until both percentile windows hold a full window of past bars", () => {
    const classifier = new RegimeClassifier(resolveRegimeOptions({ percentileWindow: 3 }));
    expect([0, 1, 2].map(() => classifier.classify(calm))).toEqual([-1, -1, -1]);
    expect(classifier.classify(calm)).toBe(REGIME_CODE.sideways);
  });

  it("is -1 while any indicator is still NaN", () => {
    expect(warmed().classify({ ...calm, adx: Number.NaN })).toBe(-1);
    expect(warmed().classify({ ...calm, peak: Number.NaN })).toBe(-1);
  });

  it("calls a drawdown over 10 % with a return under −5 % a crash, ahead of high volatility", () => {
    const crash = { ...calm, close: 85, peak: 100, change: -0.06, volatility: 0.5, adx: 40 };
    expect(warmed().classify(crash)).toBe(REGIME_CODE.crash);
    // Either condition alone is not a crash.
    expect(warmed().classify({ ...crash, change: -0.04 })).toBe(REGIME_CODE.highVolatility);
    expect(warmed().classify({ ...crash, close: 91, volatility: 0.01 })).toBe(REGIME_CODE.bear);
  });

  it("calls volatility above the 90th percentile of the previous bars high volatility, ahead of a trend", () => {
    expect(warmed().classify({ ...calm, volatility: 0.011, adx: 30, close: 110 })).toBe(REGIME_CODE.highVolatility);
    expect(warmed().classify({ ...calm, volatility: 0.01, adx: 30, close: 110 })).toBe(REGIME_CODE.bull);
  });

  it("reads the threshold before the bar joins the window (a spike cannot hide itself)", () => {
    const classifier = new RegimeClassifier(resolveRegimeOptions({ percentileWindow: 2 }));
    classifier.classify({ ...calm, volatility: 0.01 });
    classifier.classify({ ...calm, volatility: 0.02 });
    // Window [0.01, 0.02]: 90th percentile 0.019; the bar's own 0.03 is not part of it.
    expect(classifier.classify({ ...calm, volatility: 0.03 })).toBe(REGIME_CODE.highVolatility);
  });

  it("splits a trend (ADX > 25) into bull and bear by the close against the MA", () => {
    expect(warmed().classify({ ...calm, adx: 26, close: 101 })).toBe(REGIME_CODE.bull);
    expect(warmed().classify({ ...calm, adx: 26, close: 99 })).toBe(REGIME_CODE.bear);
  });

  it("calls ADX < 20 with bands at or below their median width sideways", () => {
    expect(warmed().classify({ ...calm, adx: 15, bandwidth: 0.05 })).toBe(REGIME_CODE.sideways);
    expect(warmed().classify({ ...calm, adx: 15, bandwidth: 0.04, close: 105 })).toBe(REGIME_CODE.sideways);
  });

  it("keeps a bull through the ADX 20–25 band while the close stays above the MA, then falls back to sideways", () => {
    const classifier = warmed();
    expect(classifier.classify({ ...calm, adx: 30, close: 105 })).toBe(REGIME_CODE.bull);
    expect(classifier.classify({ ...calm, adx: 22, close: 104 })).toBe(REGIME_CODE.bull);
    // A low ADX with wide bands is not clearly ranging: the trend still holds.
    expect(classifier.classify({ ...calm, adx: 15, close: 104, bandwidth: 0.06 })).toBe(REGIME_CODE.bull);
    expect(classifier.classify({ ...calm, adx: 22, close: 99 })).toBe(REGIME_CODE.sideways);
    expect(classifier.classify({ ...calm, adx: 22, close: 104 })).toBe(REGIME_CODE.sideways);
  });

  it("keeps a bear the same way, and ends it on tight bands with a low ADX", () => {
    const classifier = warmed();
    expect(classifier.classify({ ...calm, adx: 30, close: 95 })).toBe(REGIME_CODE.bear);
    expect(classifier.classify({ ...calm, adx: 21, close: 96 })).toBe(REGIME_CODE.bear);
    expect(classifier.classify({ ...calm, adx: 19, close: 96, bandwidth: 0.04 })).toBe(REGIME_CODE.sideways);
  });

  it("with holdTrend off, the in-between band is always sideways", () => {
    const classifier = warmed({ holdTrend: false });
    expect(classifier.classify({ ...calm, adx: 30, close: 105 })).toBe(REGIME_CODE.bull);
    expect(classifier.classify({ ...calm, adx: 22, close: 104 })).toBe(REGIME_CODE.sideways);
  });

  it("answers a forming bar without changing state when commit is false", () => {
    const classifier = warmed();
    expect(classifier.classify({ ...calm, adx: 30, close: 105 })).toBe(REGIME_CODE.bull);
    expect(classifier.classify({ ...calm, volatility: 1 }, false)).toBe(REGIME_CODE.highVolatility);
    // The peeked spike neither joined the window nor replaced the previous (bull) code.
    expect(classifier.classify({ ...calm, adx: 22, close: 104, volatility: 0.01 })).toBe(REGIME_CODE.bull);
  });
});
