/**
 * Test-only wrapper around the real TA-Lib C library through the npm binding `talib` (reference/talib, see
 * load-talib.ts).
 * Its outputs are aligned to the input length with NaN before TA-Lib's `begIndex`, like our batch functions.
 */
import type { Numbers } from "../types.js";
import { requireTalib } from "./load-talib.js";
import { skipOrFailInCi } from "./reference-data.js";

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}

interface TalibBinding {
  execute(request: Record<string, unknown>): TalibResult;
  explain(name: string): unknown;
}

function loadTalib(): TalibBinding | undefined {
  try {
    return requireTalib<TalibBinding>();
  } catch (error) {
    skipOrFailInCi(`[talib-reference] TA-Lib C cannot be loaded: ${(error as Error).message}`);
    return undefined;
  }
}

/** The binding, or undefined when it is not installed/built (tests should then skip). */
export const talib: TalibBinding | undefined = loadTalib();

/**
 * Runs TA-Lib function `name` (e.g. "SMA", "MACD", "ADX") over the whole input.
 * `inputs`: `{ inReal }` for single-series functions, `{ high, low, close }` (and `volume`) for bar functions.
 * `options`: TA-Lib's optional inputs, e.g. `{ optInTimePeriod: 5 }`.
 * Returns each TA-Lib output (`outReal`, `outMACD`, `outRealUpperBand`, ...) as a Float64Array of the input length,
 * NaN before `begIndex`. Throws if TA-Lib reports an error or the binding is missing.
 * Pass only parameters inside TA-Lib's ranges: the binding aborts the whole process on some invalid ones
 * (e.g. STDDEV with period 1), and MACD with signal period 1 returns misaligned values.
 */
export function talibRun(
  name: string,
  inputs: Record<string, Numbers>,
  options: Record<string, number> = {},
): Record<string, Float64Array> {
  if (talib === undefined) throw new Error("talibRun: the npm package `talib` is not available");
  const arrays: Record<string, number[]> = {};
  let length = -1;
  for (const [key, values] of Object.entries(inputs)) {
    arrays[key] = Array.from(values);
    if (length === -1) length = values.length;
    else if (values.length !== length) throw new RangeError(`talibRun ${name}: input ${key} has a different length`);
  }
  if (length <= 0) throw new RangeError(`talibRun ${name}: no input values`);
  const response = talib.execute({ name, startIdx: 0, endIdx: length - 1, ...arrays, ...options }) as
    | TalibResult
    | { error: string };
  if ("error" in response) throw new Error(`talibRun ${name}: ${response.error}`);
  const aligned: Record<string, Float64Array> = {};
  for (const [key, values] of Object.entries(response.result)) {
    const out = new Float64Array(length).fill(Number.NaN);
    for (let i = 0; i < response.nbElement; i++) out[response.begIndex + i] = values[i]!;
    aligned[key] = out;
  }
  return aligned;
}
