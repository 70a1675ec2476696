import { createRandom, type Random } from "../../domain/random.js";
import { Adam, Mlp } from "../nn/mlp.js";
import { ReplayBuffer } from "./replay-buffer.js";

/** Algo Trading Lab's DQN: 18 → 128 → 64 → 32 → 3, replay of 100,000, target network every 100 steps, ε 1.0 → 0.01. */
export interface DqnConfig {
  readonly layers: readonly number[];
  readonly gamma: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly replayCapacity: number;
  readonly targetUpdateEvery: number;
  readonly epsilonStart: number;
  readonly epsilonEnd: number;
  /** Multiplied into ε after each training step. */
  readonly epsilonDecay: number;
  /** Training starts once the buffer holds this many transitions. */
  readonly warmupTransitions: number;
  /** Gradient clip per parameter (stability with rewards of ±10 and more). */
  readonly gradientClip: number;
  /** AI Trading Lab's prioritized buffer (capacity 10,000 there); off by default. */
  readonly prioritized?: { readonly alpha: number; readonly beta: number };
  readonly seed: number;
}

export const DQN_DEFAULTS: DqnConfig = {
  layers: [18, 128, 64, 32, 3],
  gamma: 0.99,
  learningRate: 1e-3,
  batchSize: 64,
  replayCapacity: 100_000,
  targetUpdateEvery: 100,
  epsilonStart: 1,
  epsilonEnd: 0.01,
  epsilonDecay: 0.995,
  warmupTransitions: 1000,
  gradientClip: 1,
  seed: 1,
};

/**
 * Deep Q-learning (Mnih et al., 2015) with a target network and experience replay, on the Float32 MLP. The agent
 * proposes; in Aegis its action is a vote that the combiner and the risk shield may overrule.
 */
export class DqnAgent {
  readonly config: DqnConfig;
  readonly online: Mlp;
  readonly target: Mlp;
  readonly replay: ReplayBuffer;
  readonly #adam: Adam;
  readonly #random: Random;
  readonly #outputGrad: Float64Array;
  readonly #nextQ: Float64Array;
  epsilon: number;
  trainSteps = 0;

  constructor(config: Partial<DqnConfig> = {}) {
    this.config = { ...DQN_DEFAULTS, ...config };
    const c = this.config;
    this.#random = createRandom(`dqn:${c.seed}`);
    this.online = new Mlp(c.layers, this.#random);
    this.target = new Mlp(c.layers, this.#random);
    this.target.copyFrom(this.online);
    this.replay = new ReplayBuffer(c.replayCapacity, this.online.inputSize, c.prioritized);
    this.#adam = new Adam(this.online.params.length, c.learningRate);
    this.#outputGrad = new Float64Array(this.online.outputSize);
    this.#nextQ = new Float64Array(c.batchSize);
    this.epsilon = c.epsilonStart;
  }

  get actions(): number {
    return this.online.outputSize;
  }

  /** Q-values of `state` (a view, valid until the next call). */
  qValues(state: ArrayLike<number>): Float32Array | Float64Array {
    return this.online.forward(state);
  }

  /** ε-greedy while learning; `greedy` for evaluation and live voting. */
  act(state: ArrayLike<number>, greedy = false): number {
    if (!greedy && this.#random.next() < this.epsilon) return this.#random.int(0, this.actions - 1);
    return argmax(this.online.forward(state));
  }

  remember(
    state: ArrayLike<number>,
    action: number,
    reward: number,
    nextState: ArrayLike<number>,
    done: boolean,
  ): void {
    this.replay.add(state, action, reward, nextState, done);
  }

  /** One minibatch update; the mean Huber loss, or undefined while the buffer is still warming up. */
  trainStep(): number | undefined {
    const c = this.config;
    if (this.replay.size < Math.max(c.batchSize, c.warmupTransitions)) return undefined;
    const { indices, weights } = this.replay.sample(c.batchSize, this.#random);
    const n = this.online.inputSize;
    const r = this.replay;
    // Targets first, from the target network, so the online pass below is the one backward() differentiates.
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] as number;
      this.#nextQ[k] = r.done[i] ? 0 : max(this.target.forward(r.nextStates.subarray(i * n, (i + 1) * n)));
    }
    this.online.zeroGrad();
    let loss = 0;
    const errors = new Float64Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] as number;
      const q = this.online.forward(r.states.subarray(i * n, (i + 1) * n));
      const action = r.actions[i] as number;
      const target = (r.rewards[i] as number) + c.gamma * (this.#nextQ[k] as number);
      const error = (q[action] as number) - target;
      errors[k] = error;
      // Huber (δ = 1): quadratic near zero, linear beyond, so one outlier reward does not blow up the step.
      const absError = Math.abs(error);
      loss += (weights[k] as number) * (absError <= 1 ? 0.5 * error * error : absError - 0.5);
      this.#outputGrad.fill(0);
      this.#outputGrad[action] = (weights[k] as number) * (absError <= 1 ? error : Math.sign(error));
      this.online.backward(this.#outputGrad);
    }
    this.#adam.step(this.online.params, this.online.grads, 1 / indices.length, c.gradientClip);
    this.replay.updatePriorities(indices, errors);
    this.trainSteps++;
    if (this.trainSteps % c.targetUpdateEvery === 0) this.target.copyFrom(this.online);
    this.epsilon = Math.max(c.epsilonEnd, this.epsilon * c.epsilonDecay);
    return loss / indices.length;
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

function max(values: ArrayLike<number>): number {
  return values[argmax(values)] as number;
}
