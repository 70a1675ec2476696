/**
 * Supervised labels. They read the future by definition, so they exist only inside training: nothing outside
 * src/ai/ml/ imports this file, and every label carries the last bar it read (`end`) so the walk-forward splitter
 * can purge training rows whose label reaches into the test period.
 */

export interface Labels {
  /** 1 (up), 0 (down) or NaN when the future needed is not in the data. */
  readonly value: Float64Array;
  /** Index of the last bar the label read; -1 where the label is NaN. */
  readonly end: Int32Array;
  readonly description: LabelSpec;
}

export type LabelSpec =
  | { readonly kind: "forward-return"; readonly horizon: number; readonly threshold: number }
  | {
      readonly kind: "triple-barrier";
      readonly horizon: number;
      /** Take-profit and stop distances as fractions of the entry close (0.02 = 2 %). */
      readonly upper: number;
      readonly lower: number;
    };

function checkHorizon(horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be an integer >= 1 bars, got ${horizon}`);
}

/** 1 when close[t + horizon] / close[t] - 1 > threshold, else 0; the sign of the forward return by default. */
export function forwardReturnLabels(close: Float64Array, horizon: number, threshold = 0): Labels {
  checkHorizon(horizon);
  const n = close.length;
  const value = new Float64Array(n).fill(Number.NaN);
  const end = new Int32Array(n).fill(-1);
  for (let t = 0; t + horizon < n; t++) {
    value[t] = (close[t + horizon] as number) / (close[t] as number) - 1 > threshold ? 1 : 0;
    end[t] = t + horizon;
  }
  return { value, end, description: { kind: "forward-return", horizon, threshold } };
}

/**
 * Triple barrier (López de Prado): from the close of bar t, 1 if the high reaches close × (1 + upper) before the low
 * reaches close × (1 − lower) within `horizon` bars, 0 if the low gets there first; when a bar touches both, 0
 * (the stop is assumed first, the pessimistic order); when neither is touched, the sign of the return at the
 * horizon. `end` is the bar where the label was decided.
 */
export function tripleBarrierLabels(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  horizon: number,
  upper: number,
  lower: number,
): Labels {
  checkHorizon(horizon);
  if (!(upper > 0 && lower > 0)) throw new RangeError(`barriers must be > 0, got upper ${upper}, lower ${lower}`);
  const n = close.length;
  const value = new Float64Array(n).fill(Number.NaN);
  const end = new Int32Array(n).fill(-1);
  for (let t = 0; t + horizon < n; t++) {
    const entry = close[t] as number;
    const top = entry * (1 + upper);
    const bottom = entry * (1 - lower);
    let label = (close[t + horizon] as number) > entry ? 1 : 0;
    let decided = t + horizon;
    for (let k = t + 1; k <= t + horizon; k++) {
      if ((low[k] as number) <= bottom) {
        label = 0;
        decided = k;
        break;
      }
      if ((high[k] as number) >= top) {
        label = 1;
        decided = k;
        break;
      }
    }
    value[t] = label;
    end[t] = decided;
  }
  return { value, end, description: { kind: "triple-barrier", horizon, upper, lower } };
}
