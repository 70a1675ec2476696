import type { Random } from "../../domain/random.js";

export type FloatArray = Float32Array | Float64Array;
type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * A small fully connected network: ReLU hidden layers, a linear output. Parameters and gradients are two flat
 * typed arrays (each layer's weights, row-major out × in, then its biases) so that the optimizer, copying to a
 * target network and saving are one loop. Buffers are allocated once: a forward pass allocates nothing, which is
 * what keeps inference per bar in microseconds. Float32 in production; Float64 for the gradient check.
 */
export class Mlp {
  readonly sizes: readonly number[];
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly #weightOffsets: number[] = [];
  readonly #biasOffsets: number[] = [];
  /** Post-activation values per layer; [0] is the input. */
  readonly #acts: FloatArray[];
  /** Gradient of the loss with respect to each layer's pre-activation. */
  readonly #deltas: FloatArray[];

  constructor(sizes: readonly number[], random: Random, precision: FloatArrayConstructor = Float32Array) {
    if (sizes.length < 2 || sizes.some((n) => !(Number.isInteger(n) && n > 0))) {
      throw new RangeError(`layer sizes must be two or more positive integers, got [${sizes.join(", ")}]`);
    }
    this.sizes = [...sizes];
    let total = 0;
    for (let l = 1; l < sizes.length; l++) {
      this.#weightOffsets.push(total);
      total += (sizes[l] as number) * (sizes[l - 1] as number);
      this.#biasOffsets.push(total);
      total += sizes[l] as number;
    }
    this.params = new precision(total);
    this.grads = new precision(total);
    this.#acts = sizes.map((n) => new precision(n));
    this.#deltas = sizes.map((n) => new precision(n));
    // He initialization for ReLU layers; biases start at zero.
    for (let l = 1; l < sizes.length; l++) {
      const fanIn = sizes[l - 1] as number;
      const w = this.#weightOffsets[l - 1] as number;
      const count = (sizes[l] as number) * fanIn;
      const sd = Math.sqrt(2 / fanIn);
      for (let i = 0; i < count; i++) this.params[w + i] = random.normal(0, sd);
    }
  }

  get inputSize(): number {
    return this.sizes[0] as number;
  }

  get outputSize(): number {
    return this.sizes[this.sizes.length - 1] as number;
  }

  /** The output for `input`; a view into the network's own buffer, valid until the next forward pass. */
  forward(input: ArrayLike<number>): FloatArray {
    if (input.length !== this.inputSize) {
      throw new RangeError(`input has ${input.length} values; the network takes ${this.inputSize}`);
    }
    const first = this.#acts[0] as FloatArray;
    for (let i = 0; i < input.length; i++) first[i] = input[i] as number;
    const p = this.params;
    const last = this.sizes.length - 1;
    for (let l = 1; l <= last; l++) {
      const inSize = this.sizes[l - 1] as number;
      const outSize = this.sizes[l] as number;
      const x = this.#acts[l - 1] as FloatArray;
      const y = this.#acts[l] as FloatArray;
      const w = this.#weightOffsets[l - 1] as number;
      const b = this.#biasOffsets[l - 1] as number;
      for (let o = 0; o < outSize; o++) {
        let sum = p[b + o] as number;
        const row = w + o * inSize;
        for (let i = 0; i < inSize; i++) sum += (p[row + i] as number) * (x[i] as number);
        y[o] = l < last && sum < 0 ? 0 : sum;
      }
    }
    return this.#acts[last] as FloatArray;
  }

  /**
   * Adds to `grads` the gradient of a loss whose derivative with respect to the output of the LAST forward pass
   * is `outputGrad` (backpropagation through the ReLUs of that pass).
   */
  backward(outputGrad: ArrayLike<number>): void {
    const last = this.sizes.length - 1;
    const top = this.#deltas[last] as FloatArray;
    for (let o = 0; o < top.length; o++) top[o] = outputGrad[o] as number;
    const p = this.params;
    const g = this.grads;
    for (let l = last; l >= 1; l--) {
      const inSize = this.sizes[l - 1] as number;
      const outSize = this.sizes[l] as number;
      const x = this.#acts[l - 1] as FloatArray;
      const delta = this.#deltas[l] as FloatArray;
      const w = this.#weightOffsets[l - 1] as number;
      const b = this.#biasOffsets[l - 1] as number;
      const below = this.#deltas[l - 1] as FloatArray;
      if (l > 1) below.fill(0);
      for (let o = 0; o < outSize; o++) {
        const d = delta[o] as number;
        if (d === 0) continue;
        g[b + o] = (g[b + o] as number) + d;
        const row = w + o * inSize;
        for (let i = 0; i < inSize; i++) {
          g[row + i] = (g[row + i] as number) + d * (x[i] as number);
          if (l > 1) below[i] = (below[i] as number) + d * (p[row + i] as number);
        }
      }
      // Through the ReLU of the layer below: no gradient where it was off.
      if (l > 1) for (let i = 0; i < inSize; i++) if ((x[i] as number) <= 0) below[i] = 0;
    }
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  copyFrom(other: Mlp): void {
    if (other.params.length !== this.params.length) throw new RangeError("networks of different shapes");
    this.params.set(other.params);
  }
}

/** Adam (Kingma & Ba, 2015) over a flat parameter array. */
export class Adam {
  readonly #m: Float64Array;
  readonly #v: Float64Array;
  #t = 0;

  constructor(
    size: number,
    readonly learningRate = 1e-3,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.#m = new Float64Array(size);
    this.#v = new Float64Array(size);
  }

  /** One update with `grads` multiplied by `scale` (1 / batch size for a mean loss); clips each gradient to ±clip. */
  step(params: FloatArray, grads: FloatArray, scale = 1, clip = Number.POSITIVE_INFINITY): void {
    this.#t++;
    const c1 = 1 - this.beta1 ** this.#t;
    const c2 = 1 - this.beta2 ** this.#t;
    for (let i = 0; i < params.length; i++) {
      const g = Math.max(-clip, Math.min(clip, (grads[i] as number) * scale));
      const m = this.beta1 * (this.#m[i] as number) + (1 - this.beta1) * g;
      const v = this.beta2 * (this.#v[i] as number) + (1 - this.beta2) * g * g;
      this.#m[i] = m;
      this.#v[i] = v;
      params[i] = (params[i] as number) - (this.learningRate * (m / c1)) / (Math.sqrt(v / c2) + this.epsilon);
    }
  }
}
