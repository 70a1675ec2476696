import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { DqnAgent } from "./dqn-agent.js";
import { ReplayBuffer } from "./replay-buffer.js";
import { SEED_REWARD, seedReward } from "./reward.js";

const small = { layers: [2, 16, 3], batchSize: 16, warmupTransitions: 50, epsilonDecay: 0.99, learningRate: 0.01 };

describe("DqnAgent", () => {
  it("learns which action pays in which state (a contextual bandit)", () => {
    const agent = new DqnAgent({ ...small, seed: 3, gamma: 0 });
    const random = createRandom(9);
    const states = [
      [1, 0],
      [0, 1],
    ];
    for (let step = 0; step < 1500; step++) {
      const s = random.int(0, 1);
      const state = states[s] as number[];
      const action = agent.act(state);
      const reward = action === s ? 1 : -1;
      agent.remember(state, action, reward, state, true);
      agent.trainStep();
    }
    expect(agent.act(states[0] as number[], true)).toBe(0);
    expect(agent.act(states[1] as number[], true)).toBe(1);
    expect(agent.epsilon).toBeCloseTo(0.01, 5);
  });

  it("bootstraps through the target network: waits one step for a larger discounted reward", () => {
    // s0: action 0 → s1 (reward 0), action 1 → end (0.5); s1: action 0 → end (1), others → end (0).
    // With γ = 0.9, Q(s0, 0) = 0.9 > Q(s0, 1) = 0.5: only bootstrapping finds it.
    const agent = new DqnAgent({ ...small, seed: 5, gamma: 0.9, targetUpdateEvery: 25 });
    const s0 = [1, 0];
    const s1 = [0, 1];
    for (let episode = 0; episode < 1500; episode++) {
      const a0 = agent.act(s0);
      if (a0 === 0) {
        agent.remember(s0, a0, 0, s1, false);
        const a1 = agent.act(s1);
        agent.remember(s1, a1, a1 === 0 ? 1 : 0, s1, true);
      } else {
        agent.remember(s0, a0, a0 === 1 ? 0.5 : 0, s0, true);
      }
      agent.trainStep();
    }
    expect(agent.act(s0, true)).toBe(0);
    const q = agent.qValues(s0);
    expect(q[0]).toBeGreaterThan(q[1] as number);
    expect(q[0]).toBeCloseTo(0.9, 1);
  });

  it("is deterministic for a seed", () => {
    const run = () => {
      const agent = new DqnAgent({ ...small, seed: 11 });
      for (let i = 0; i < 200; i++) {
        const state = [i % 2, 1 - (i % 2)];
        agent.remember(state, agent.act(state), i % 3 === 0 ? 1 : 0, state, true);
        agent.trainStep();
      }
      return Array.from(agent.online.params.subarray(0, 20));
    };
    expect(run()).toEqual(run());
  });
});

describe("ReplayBuffer", () => {
  it("overwrites the oldest transition once full", () => {
    const buffer = new ReplayBuffer(3, 1);
    for (let i = 0; i < 5; i++) buffer.add([i], 0, i, [i], false);
    expect(buffer.size).toBe(3);
    expect(Array.from(buffer.rewards).sort()).toEqual([2, 3, 4]);
    expect(() => buffer.add([1, 2], 0, 0, [1], false)).toThrow(/need 1 values/);
    expect(() => buffer.add([1], 0, Number.NaN, [1], false)).toThrow(/reward must be finite/);
  });

  it("samples in proportion to priority when prioritized, with importance weights that undo the bias", () => {
    const buffer = new ReplayBuffer(5, 1, { alpha: 1, beta: 1 });
    for (let i = 0; i < 4; i++) buffer.add([i], 0, 0, [i], false);
    buffer.updatePriorities(Int32Array.from([0, 1, 2, 3]), [1, 1, 1, 97]);
    const counts = [0, 0, 0, 0];
    const random = createRandom(2);
    let weightOfHot = 0;
    for (let round = 0; round < 200; round++) {
      const { indices, weights } = buffer.sample(10, random);
      indices.forEach((i, k) => {
        counts[i] = (counts[i] as number) + 1;
        if (i === 3) weightOfHot = weights[k] as number;
      });
    }
    expect((counts[3] as number) / 2000).toBeGreaterThan(0.93);
    // The most sampled transition gets the smallest weight.
    expect(weightOfHot).toBeLessThan(0.1);
  });
});

describe("the seed's reward", () => {
  it("gives +16 for a +1.6 % step (P&L × 10), and the seed's bonuses and costs", () => {
    const flat = { riskAdjustedReturn: 0, traded: false, positionPnlPct: 0, barsHeld: 0 };
    expect(seedReward({ ...flat, pnlPct: 1.6 })).toBeCloseTo(16, 10);
    expect(seedReward({ ...flat, pnlPct: 0, traded: true })).toBeCloseTo(-0.1, 10);
    expect(seedReward({ ...flat, pnlPct: 0.1, riskAdjustedReturn: 0.2, positionPnlPct: 2, barsHeld: 3 })).toBeCloseTo(
      1 + 1 + 0.5,
      10,
    );
    expect(
      seedReward({ ...flat, pnlPct: 0, positionPnlPct: -1, barsHeld: SEED_REWARD.loserPatienceBars + 1 }),
    ).toBeCloseTo(-0.5, 10);
  });
});
