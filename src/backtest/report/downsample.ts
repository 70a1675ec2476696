/**
 * Picks which samples of one or more aligned columns to draw when there are too many for a chart. The samples are
 * cut into equal-count buckets and, in each bucket, the index of the minimum and of the maximum of every column is
 * kept (plus the first and last sample), so a one-bar crash or spike still shows: plain every-nth thinning would
 * let a drawdown's trough fall between two kept points. Returns ascending indices, at most `maxPoints` of them;
 * all indices when the columns are already short enough. NaN values are never chosen as extremes.
 */
export function downsampleMinMax(columns: readonly Float64Array[], maxPoints: number): Uint32Array {
  if (columns.length === 0) throw new RangeError("downsampleMinMax needs at least one column");
  const n = (columns[0] as Float64Array).length;
  for (const [c, column] of columns.entries()) {
    if (column.length !== n) throw new RangeError(`column ${c} has ${column.length} values, column 0 has ${n}`);
  }
  const perBucket = 2 * columns.length;
  if (!Number.isInteger(maxPoints) || maxPoints < 2 + perBucket) {
    throw new RangeError(
      `maxPoints must be an integer >= ${2 + perBucket} for ${columns.length} column(s), got ${maxPoints}`,
    );
  }
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);

  const buckets = Math.floor((maxPoints - 2) / perBucket);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    for (const column of columns) {
      let lowIndex = -1;
      let highIndex = -1;
      for (let i = start; i < end; i++) {
        const v = column[i] as number;
        if (Number.isNaN(v)) continue;
        if (lowIndex < 0 || v < (column[lowIndex] as number)) lowIndex = i;
        if (highIndex < 0 || v > (column[highIndex] as number)) highIndex = i;
      }
      if (lowIndex >= 0) keep[lowIndex] = 1;
      if (highIndex >= 0) keep[highIndex] = 1;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i] as number;
  const indices = new Uint32Array(count);
  let j = 0;
  for (let i = 0; i < n; i++) if (keep[i] === 1) indices[j++] = i;
  return indices;
}

/** Copies `column` at `indices` (from downsampleMinMax). */
export function pick(column: Float64Array, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = column[indices[i] as number] as number;
  return out;
}
