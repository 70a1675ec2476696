/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein, López de
 * Prado, Zhu 2015). The returns of every trial are cut into S equal blocks; for each of the C(S, S/2) ways to pick
 * half the blocks as in-sample, the trial with the best in-sample Sharpe is found and its rank among all trials on
 * the other half is read. PBO is the share of splits where that rank is in the lower half (logit ≤ 0): how often
 * choosing the best on one half picks a below-median strategy on the other.
 */

/** Per trial, per block: bars, sum of returns, sum of squared returns (what fitness.ts records). */
export type BlockStats = readonly number[];

export interface PboResult {
  readonly pbo: number;
  readonly splits: number;
  readonly trials: number;
  readonly blocks: number;
  /** Median logit of the chosen trial's out-of-sample relative rank. */
  readonly medianLogit: number;
}

function sharpeOf(stats: BlockStats, mask: number, blocks: number): number {
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (let b = 0; b < blocks; b++) {
    if (!(mask & (1 << b))) continue;
    n += stats[3 * b] as number;
    sum += stats[3 * b + 1] as number;
    squares += stats[3 * b + 2] as number;
  }
  if (n < 2) return 0;
  const mean = sum / n;
  const variance = (squares - n * mean * mean) / (n - 1);
  return variance > 1e-18 ? mean / Math.sqrt(variance) : 0;
}

export function probabilityOfOverfitting(trials: readonly BlockStats[], blocks: number): PboResult {
  if (!(Number.isInteger(blocks) && blocks >= 2 && blocks % 2 === 0 && blocks <= 20))
    throw new RangeError(`CSCV needs an even number of blocks from 2 to 20, got ${blocks}`);
  if (trials.length < 2) throw new RangeError(`PBO needs at least 2 trials, got ${trials.length}`);
  for (const [i, t] of trials.entries())
    if (t.length !== blocks * 3) throw new RangeError(`trial ${i} has ${t.length / 3} blocks, expected ${blocks}`);
  const all = (1 << blocks) - 1;
  const logits: number[] = [];
  const n = trials.length;
  const inSample = new Float64Array(n);
  const outOfSample = new Float64Array(n);
  for (let mask = 0; mask <= all; mask++) {
    if (popCount(mask) !== blocks / 2) continue;
    const complement = all ^ mask;
    let best = 0;
    for (let t = 0; t < n; t++) {
      inSample[t] = sharpeOf(trials[t] as BlockStats, mask, blocks);
      outOfSample[t] = sharpeOf(trials[t] as BlockStats, complement, blocks);
      if ((inSample[t] as number) > (inSample[best] as number)) best = t;
    }
    // Relative rank in (0, 1): 1 = best out of sample.
    const chosen = outOfSample[best] as number;
    let below = 0;
    for (let t = 0; t < n; t++) if ((outOfSample[t] as number) < chosen) below++;
    const omega = (below + 1) / (n + 1);
    logits.push(Math.log(omega / (1 - omega)));
  }
  const overfit = logits.filter((l) => l <= 0).length;
  const sorted = [...logits].sort((a, b) => a - b);
  return {
    pbo: overfit / logits.length,
    splits: logits.length,
    trials: n,
    blocks,
    medianLogit: sorted[Math.floor(sorted.length / 2)] as number,
  };
}

function popCount(mask: number): number {
  let c = 0;
  for (let m = mask; m > 0; m >>= 1) c += m & 1;
  return c;
}
