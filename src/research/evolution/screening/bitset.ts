/**
 * Condition columns as packed bitsets: bar i is bit (i & 31) of word (i >>> 5), so all/any/not combine 32 bars per
 * operation and a position loop finds the next signal by skipping empty words. Bits at and beyond the column's
 * length are always 0 (every function here keeps that), so a combined column never holds a signal past the end.
 */
export type Bits = Uint32Array;

export type Comparison = "gt" | "gte" | "lt" | "lte";

export function wordsFor(length: number): number {
  return (length + 31) >>> 5;
}

/**
 * Bitsets are carved out of shared slabs: a fresh ArrayBuffer per column (a kilobyte for a year of 1h bars) made
 * the allocator and the garbage collector a tenth of the screening time (profiled). A slab lives while any of its
 * columns does, which the condition cache bounds.
 */
const SLAB_WORDS = 16_384;
let slab = new Uint32Array(0);
let slabUsed = 0;

/** A bitset of `length` bars, all 0. */
export function newBits(length: number): Bits {
  const words = wordsFor(length);
  if (words > SLAB_WORDS) return new Uint32Array(words);
  if (slabUsed + words > slab.length) {
    slab = new Uint32Array(SLAB_WORDS);
    slabUsed = 0;
  }
  const bits = slab.subarray(slabUsed, slabUsed + words);
  slabUsed += words;
  return bits;
}

export function bitAt(bits: Bits, i: number): number {
  return ((bits[i >>> 5] as number) >>> (i & 31)) & 1;
}

/** The first bar in [from, to) set in `a` or in `b` (either may be empty), or `to` when there is none. */
export function nextSetBit(a: Bits, b: Bits, from: number, to: number): number {
  if (from >= to) return to;
  let w = from >>> 5;
  const last = (to - 1) >>> 5;
  // The first word keeps only the bars from `from` on.
  let word = (((a[w] ?? 0) | (b[w] ?? 0)) & (-1 << (from & 31))) >>> 0;
  while (word === 0) {
    if (++w > last) return to;
    word = ((a[w] ?? 0) | (b[w] ?? 0)) >>> 0;
  }
  const bar = (w << 5) + (31 - Math.clz32(word & -word));
  return Math.min(bar, to);
}

/** 1 at every bar where `x[i] op k` (NaN compares false). */
export function compareConstantBits(out: Bits, x: Float64Array, k: number, op: Comparison, length: number): void {
  if (op === "gt") gtConstant(out, x, k, length);
  else if (op === "gte") gteConstant(out, x, k, length);
  else if (op === "lt") ltConstant(out, x, k, length);
  else lteConstant(out, x, k, length);
}

/** 1 at every bar where `x[i] op y[i]` (NaN compares false). */
export function compareBits(out: Bits, x: Float64Array, y: Float64Array, op: Comparison, length: number): void {
  // a < b is b > a: two loops cover the four comparisons.
  if (op === "gt") gtColumns(out, x, y, length);
  else if (op === "lt") gtColumns(out, y, x, length);
  else if (op === "gte") gteColumns(out, x, y, length);
  else gteColumns(out, y, x, length);
}

// One small function per loop: V8 optimizes a function called many times properly, while a long loop inside a big
// function only ever runs its on-stack-replacement code (see talib-conventions CHUNK_LENGTH).

function gtConstant(out: Bits, x: Float64Array, k: number, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) word |= ((x[i] as number) > k ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

function gteConstant(out: Bits, x: Float64Array, k: number, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) word |= ((x[i] as number) >= k ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

function ltConstant(out: Bits, x: Float64Array, k: number, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) word |= ((x[i] as number) < k ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

function lteConstant(out: Bits, x: Float64Array, k: number, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) word |= ((x[i] as number) <= k ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

function gtColumns(out: Bits, x: Float64Array, y: Float64Array, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) word |= ((x[i] as number) > (y[i] as number) ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

function gteColumns(out: Bits, x: Float64Array, y: Float64Array, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) word |= ((x[i] as number) >= (y[i] as number) ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

/** 1 where lo[i] <= x[i] <= hi[i]. */
export function betweenBits(out: Bits, x: Float64Array, lo: Float64Array, hi: Float64Array, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = base; i < end; i++) {
      const v = x[i] as number;
      word |= (v >= (lo[i] as number) && v <= (hi[i] as number) ? 1 : 0) << (i - base);
    }
    out[w] = word;
  }
}

/** 1 where a crosses above b: a > b now and a <= b at the bar before (never at bar 0). */
export function crossAboveBits(out: Bits, a: Float64Array, b: Float64Array, n: number): void {
  for (let base = 0, w = 0; base < n; base += 32, w++) {
    const end = Math.min(n, base + 32);
    let word = 0;
    for (let i = Math.max(1, base); i < end; i++)
      word |=
        ((a[i] as number) > (b[i] as number) && (a[i - 1] as number) <= (b[i - 1] as number) ? 1 : 0) << (i - base);
    out[w] = word;
  }
}

/** out = not x over `length` bars (the bits past the end stay 0). */
export function notBits(out: Bits, x: Bits, length: number): void {
  const words = wordsFor(length);
  for (let w = 0; w < words; w++) out[w] = ~(x[w] as number);
  const tail = length & 31;
  if (tail !== 0) out[words - 1] = (out[words - 1] as number) & ((1 << tail) - 1);
}

/** out &= x (all) or out |= x (any). */
export function combineBits(out: Bits, x: Bits, all: boolean): void {
  const words = out.length;
  if (all) for (let w = 0; w < words; w++) out[w] = (out[w] as number) & (x[w] as number);
  else for (let w = 0; w < words; w++) out[w] = (out[w] as number) | (x[w] as number);
}

/** The bitset of a 0/1 (or boolean) column: tests compare the packed form against the plain one. */
export function packBits(values: ArrayLike<number | boolean>): Bits {
  const out = new Uint32Array(wordsFor(values.length));
  for (let i = 0; i < values.length; i++) if (values[i]) out[i >>> 5] = (out[i >>> 5] as number) | (1 << (i & 31));
  return out;
}

/** The 0/1 column of the first `length` bars of a bitset. */
export function unpackBits(bits: Bits, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = bitAt(bits, i);
  return out;
}
