/**
 * The underwater (drawdown) curve of an equity series: at each sample, value / running peak - 1, so 0 at a new
 * high and -0.25 when 25 % below the best value so far. Computed at full resolution before any downsampling, so
 * the deepest point is exact. While the running peak is not positive the drawdown is reported as 0.
 */
export function underwater(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > peak) peak = v;
    out[i] = peak > 0 ? v / peak - 1 : 0;
  }
  return out;
}
