import { describe, expect, it } from "vitest";
import { DEFAULT_ENSEMBLE_PARAMETERS, type EnsembleParameters } from "../ai/ml/ensemble-model.js";
import { hourlyCandles, xgboostPresent } from "../ai/ml/testing.js";
import { evaluateOutOfSample, probabilityReplay } from "./ml-out-of-sample.js";

const SMALL: EnsembleParameters = {
  ...DEFAULT_ENSEMBLE_PARAMETERS,
  boosting: { ...DEFAULT_ENSEMBLE_PARAMETERS.boosting, rounds: 20 },
  forest: { ...DEFAULT_ENSEMBLE_PARAMETERS.forest, trees: 10 },
};

describe("probabilityReplay", () => {
  it("votes from the probability stored for the bar's time and abstains where it is NaN", () => {
    const time = Float64Array.from([0, 1, 2]);
    const onBar = probabilityReplay("r", time, Float64Array.from([0.7, Number.NaN, 0.3]), 0.55, 0.45).init(
      undefined as never,
    );
    const at = (t: number) => onBar({ index: t, time: t, position: { quantity: 0, entryPrice: 0, barsHeld: -1 } });
    expect(at(0)?.action).toBe("buy");
    expect(at(1)).toBeUndefined();
    expect(at(2)?.action).toBe("sell");
    expect(at(5)).toBeUndefined();
  });
});

describe.skipIf(!xgboostPresent())("evaluateOutOfSample", () => {
  const candles = hourlyCandles(2500, 11);
  const evaluation = evaluateOutOfSample({
    candles,
    label: { kind: "forward-return", horizon: 4, threshold: 0 },
    testSize: 500,
    minTrainSize: 1000,
    parameters: SMALL,
    fee: 0.001,
    permutationSeeds: [5],
  });

  it("reports the model, a permutation baseline, the technical strategy and buy-and-hold over the same period", () => {
    expect(evaluation.strategies.map((s) => s.name)).toEqual([
      "ml-ensemble",
      "permutation-1",
      "atl-technical",
      "buy-and-hold",
    ]);
    expect(evaluation.permutations).toHaveLength(1);
    expect(evaluation.model.rows).toBeGreaterThan(0);
  });

  it("measures buy-and-hold from the first out-of-sample close to the last, fees paid in and out", () => {
    const start = candles.time.indexOf(Date.parse(evaluation.from));
    const close = candles.close;
    const expected = ((close[candles.length - 1] as number) / (close[start] as number)) * (1 - 0.001) ** 2 - 1;
    expect(evaluation.strategies.at(-1)?.totalReturn).toBeCloseTo(expected, 10);
  });
});
