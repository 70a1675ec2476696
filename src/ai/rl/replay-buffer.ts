import type { Random } from "../../domain/random.js";

/** A batch of transitions, as indices into the buffer's columns, with importance weights (1 when uniform). */
export interface ReplaySample {
  readonly indices: Int32Array;
  readonly weights: Float64Array;
}

/**
 * Experience replay as a ring of fixed-size columns (no object per transition): states and next states in two
 * Float32Arrays, actions, rewards and done flags beside them. Uniform sampling by default; `prioritized` samples
 * in proportion to |TD error|^alpha through a sum tree (Schaul et al., 2016) with importance weights (beta).
 */
export class ReplayBuffer {
  readonly states: Float32Array;
  readonly nextStates: Float32Array;
  readonly actions: Uint8Array;
  readonly rewards: Float32Array;
  readonly done: Uint8Array;
  #next = 0;
  #size = 0;
  readonly #tree: Float64Array | undefined;
  #maxPriority = 1;

  constructor(
    readonly capacity: number,
    readonly stateSize: number,
    readonly prioritized?: { readonly alpha: number; readonly beta: number },
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError(`replay capacity must be > 0, got ${capacity}`);
    this.states = new Float32Array(capacity * stateSize);
    this.nextStates = new Float32Array(capacity * stateSize);
    this.actions = new Uint8Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.done = new Uint8Array(capacity);
    if (prioritized) this.#tree = new Float64Array(2 * capacity);
  }

  get size(): number {
    return this.#size;
  }

  add(state: ArrayLike<number>, action: number, reward: number, nextState: ArrayLike<number>, done: boolean): void {
    if (state.length !== this.stateSize || nextState.length !== this.stateSize) {
      throw new RangeError(`a transition's states need ${this.stateSize} values`);
    }
    if (!Number.isFinite(reward)) throw new RangeError(`reward must be finite, got ${reward}`);
    const i = this.#next;
    const at = i * this.stateSize;
    for (let k = 0; k < this.stateSize; k++) {
      this.states[at + k] = state[k] as number;
      this.nextStates[at + k] = nextState[k] as number;
    }
    this.actions[i] = action;
    this.rewards[i] = reward;
    this.done[i] = done ? 1 : 0;
    // A new transition gets the highest priority seen, so it is replayed at least once soon.
    if (this.#tree) this.#setPriority(i, this.#maxPriority);
    this.#next = (i + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  sample(count: number, random: Random): ReplaySample {
    if (this.#size === 0) throw new RangeError("the replay buffer is empty");
    const indices = new Int32Array(count);
    const weights = new Float64Array(count).fill(1);
    const tree = this.#tree;
    if (!tree || !this.prioritized) {
      for (let k = 0; k < count; k++) indices[k] = random.int(0, this.#size - 1);
      return { indices, weights };
    }
    const total = tree[1] as number;
    let maxWeight = 0;
    for (let k = 0; k < count; k++) {
      // Stratified: one draw per equal slice of the total priority.
      const target = ((k + random.next()) / count) * total;
      const i = this.#find(target);
      indices[k] = i;
      const p = (tree[this.capacity + i] as number) / total;
      const w = (this.#size * p) ** -this.prioritized.beta;
      weights[k] = w;
      maxWeight = Math.max(maxWeight, w);
    }
    for (let k = 0; k < count; k++) weights[k] = (weights[k] as number) / maxWeight;
    return { indices, weights };
  }

  /** After a training step: the new |TD error| of each sampled transition (prioritized replay only). */
  updatePriorities(indices: Int32Array, errors: ArrayLike<number>): void {
    if (!this.#tree || !this.prioritized) return;
    for (let k = 0; k < indices.length; k++) {
      const priority = (Math.abs(errors[k] as number) + 1e-6) ** this.prioritized.alpha;
      this.#maxPriority = Math.max(this.#maxPriority, priority);
      this.#setPriority(indices[k] as number, priority);
    }
  }

  #setPriority(i: number, priority: number): void {
    const tree = this.#tree as Float64Array;
    let node = this.capacity + i;
    const change = priority - (tree[node] as number);
    while (node >= 1) {
      tree[node] = (tree[node] as number) + change;
      node >>= 1;
    }
  }

  #find(target: number): number {
    const tree = this.#tree as Float64Array;
    let node = 1;
    let remaining = target;
    while (node < this.capacity) {
      const left = 2 * node;
      if (remaining <= (tree[left] as number) || (tree[left + 1] as number) === 0) node = left;
      else {
        remaining -= tree[left] as number;
        node = left + 1;
      }
    }
    return Math.min(node - this.capacity, this.#size - 1);
  }
}
