import { z } from "zod";

export interface PercentBounds {
  /** Inclusive lower bound, in percent. */
  readonly min?: number;
  /** Exclusive lower bound, in percent. */
  readonly gt?: number;
  /** Inclusive upper bound, in percent. */
  readonly max?: number;
  /** Exclusive upper bound, in percent. */
  readonly lt?: number;
}

/**
 * A config value written in percent (2 = 2 %), as the README promises for every percentage, and handed to the code
 * as a fraction (0.02), which is what the engine computes with. Bounds and error messages are in percent, so a
 * refused value is explained in the unit the user wrote. A codec, so that `z.encode` turns a parsed config back
 * into the user's units (`aegis config` prints those).
 */
export function percentAsFraction(bounds: PercentBounds) {
  let input = z.number();
  if (bounds.min !== undefined) input = input.min(bounds.min, `must be at least ${bounds.min} (percent)`);
  if (bounds.gt !== undefined) input = input.gt(bounds.gt, `must be above ${bounds.gt} (percent)`);
  if (bounds.max !== undefined) input = input.max(bounds.max, `must be at most ${bounds.max} (percent)`);
  if (bounds.lt !== undefined) input = input.lt(bounds.lt, `must be below ${bounds.lt} (percent)`);
  return z.codec(input, z.number(), {
    decode: (percent) => percent / 100,
    // Back to percent without binary noise (0.005 * 100 = 0.5000000000000001).
    encode: (fraction) => Number((fraction * 100).toPrecision(12)),
  });
}
