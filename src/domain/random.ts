/**
 * Seeded pseudo-random numbers for everything in Aegis that draws at random (simulated market, evolver, RL agents,
 * slippage models), so that a run is reproduced exactly from its recorded seed.
 *
 * Generator: sfc32, Chris Doty-Humphrey's Small Fast Counting generator (128-bit state, passes PractRand and
 * BigCrush; the 32-bit counter guarantees a period of at least 2^32 from any state). Seeding: a string is hashed
 * with cyrb128 (bryc, public domain); a number is expanded with splitmix32. The first 15 outputs are discarded so
 * that similar seeds do not start with correlated outputs. Not cryptographically secure.
 */

/** A snapshot of a generator, plain data so it can be stored as JSON and restored later. */
export interface RandomState {
  /** The stream's identity: what `fork` derives children from. */
  readonly key: readonly [number, number, number, number];
  /** sfc32 state words a, b, c, d (the last is the counter). */
  readonly words: readonly [number, number, number, number];
  /** The second normal of the last polar pair, not yet handed out. */
  readonly spareNormal: number | null;
}

export interface Random {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform unsigned 32-bit integer in [0, 2^32). */
  uint32(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [min, max], both ends included, without modulo bias. */
  int(min: number, max: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  /** Normal with the given mean and standard deviation (standard normal by default), Marsaglia's polar method. */
  normal(mean?: number, standardDeviation?: number): number;
  /** Gamma with the given shape and scale (Marsaglia–Tsang); mean shape·scale. */
  gamma(shape: number, scale?: number): number;
  /** Student's t with `degreesOfFreedom` (> 0, may be fractional); variance df/(df−2) when df > 2. */
  studentT(degreesOfFreedom: number): number;
  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /**
   * An independent stream derived from this stream's seed and `label` only: it does not depend on how many numbers
   * the parent has drawn, so adding draws in one component never perturbs another. The same label gives the same
   * stream, so use one label per consumer ("slippage", "evolver/mutation").
   */
  fork(label: string): Random;
  /** A snapshot to continue this exact sequence later with `restore`. */
  state(): RandomState;
  /** Continues from a snapshot taken with `state()`, of this or any other generator (it adopts the snapshot's stream). */
  restore(state: RandomState): void;
}

/** A generator seeded from a number (any finite number) or a string; same seed → same sequence. */
export function createRandom(seed: number | string): Random {
  return new Sfc32Random(seedKey(seed));
}

/** A generator that continues exactly where the one that produced `state` (via `state()`) stood. */
export function randomFromState(state: RandomState): Random {
  const random = new Sfc32Random([0, 0, 0, 0]);
  random.restore(state);
  return random;
}

const TWO_POW_32 = 4_294_967_296;
const CYRB_INIT = [1779033703, 3144134277, 1013904242, 2773480762] as const;

class Sfc32Random implements Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare = 0;
  private hasSpare = false;
  private key: readonly [number, number, number, number];

  constructor(key: readonly [number, number, number, number]) {
    this.key = key;
    this.a = key[0] | 0;
    this.b = key[1] | 0;
    this.c = key[2] | 0;
    this.d = key[3] | 0;
    for (let i = 0; i < 15; i++) this.uint32();
  }

  uint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = (this.d + 1) | 0;
    const t = (((a + b) | 0) + d) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    this.d = d;
    return t >>> 0;
  }

  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new RangeError(`int(min, max) needs integers with min <= max, got (${min}, ${max})`);
    }
    const range = max - min + 1;
    if (range > TWO_POW_32) throw new RangeError(`int(min, max) range ${range} exceeds 2^32`);
    // Reject the top partial block of the 2^32 outputs so every value is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return min + (x % range);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  normal(mean = 0, standardDeviation = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + standardDeviation * this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    this.hasSpare = true;
    return mean + standardDeviation * u * factor;
  }

  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k); 1 − next() keeps U in (0, 1].
      return this.gamma(shape + 1, scale) * (1 - this.next()) ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  studentT(degreesOfFreedom: number): number {
    if (degreesOfFreedom === Number.POSITIVE_INFINITY) return this.normal();
    if (!(degreesOfFreedom > 0))
      throw new RangeError(`studentT degrees of freedom must be > 0, got ${degreesOfFreedom}`);
    // Bailey's polar method (Math. Comp. 62, 1994): exact, and several times faster than Z / sqrt(χ²/ν).
    let u: number;
    let w: number;
    do {
      u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      w = u * u + v * v;
    } while (w >= 1 || w === 0);
    return u * Math.sqrt((degreesOfFreedom * (Math.exp((-2 / degreesOfFreedom) * Math.log(w)) - 1)) / w);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() needs a non-empty array");
    return items[this.int(0, items.length - 1)] as T;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  fork(label: string): Random {
    return new Sfc32Random(cyrb128(label, this.key));
  }

  state(): RandomState {
    return {
      key: [...this.key] as [number, number, number, number],
      words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0],
      spareNormal: this.hasSpare ? this.spare : null,
    };
  }

  restore(state: RandomState): void {
    const { key, words } = state;
    const isWord = (w: unknown) => Number.isInteger(w) && (w as number) >= 0 && (w as number) < TWO_POW_32;
    if (key.length !== 4 || words.length !== 4 || !key.every(isWord) || !words.every(isWord)) {
      throw new RangeError("restore() needs a state from state(): key and words are four unsigned 32-bit integers");
    }
    this.key = [key[0], key[1], key[2], key[3]];
    this.a = words[0] | 0;
    this.b = words[1] | 0;
    this.c = words[2] | 0;
    this.d = words[3] | 0;
    this.hasSpare = state.spareNormal !== null;
    this.spare = state.spareNormal ?? 0;
  }
}

function seedKey(seed: number | string): [number, number, number, number] {
  if (typeof seed === "string") return cyrb128(seed, [0, 0, 0, 0]);
  if (!Number.isFinite(seed)) throw new RangeError(`random seed must be a finite number or a string, got ${seed}`);
  let low: number;
  let high: number;
  if (Number.isSafeInteger(seed)) {
    low = seed >>> 0;
    high = Math.floor(seed / TWO_POW_32) >>> 0;
  } else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, seed);
    high = view.getUint32(0);
    low = view.getUint32(4);
  }
  // Two splitmix32 streams, one per half, so seeds that differ only above 2^32 still differ.
  const key: [number, number, number, number] = [0, 0, 0, 0];
  let s1 = low | 0;
  let s2 = (high ^ 0x5bd1e995) | 0;
  for (let i = 0; i < 4; i++) {
    s1 = (s1 + 0x9e3779b9) | 0;
    s2 = (s2 + 0x7f4a7c15) | 0;
    key[i] = (splitmixMix(s1) ^ splitmixMix(splitmixMix(s2) ^ i)) >>> 0;
  }
  return key;
}

function splitmixMix(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** cyrb128 string hash; `salt` is XOR-ed into the initial state so a parent's key yields its own family of forks. */
function cyrb128(text: string, salt: readonly number[]): [number, number, number, number] {
  let h1 = CYRB_INIT[0] ^ (salt[0] ?? 0);
  let h2 = CYRB_INIT[1] ^ (salt[1] ?? 0);
  let h3 = CYRB_INIT[2] ^ (salt[2] ?? 0);
  let h4 = CYRB_INIT[3] ^ (salt[3] ?? 0);
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
