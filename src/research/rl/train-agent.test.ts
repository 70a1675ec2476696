import { describe, expect, it } from "vitest";
import type { FeatureName } from "../../ai/features/feature-names.js";
import { TRADE_ACTIONS } from "../../ai/rl/env-actions.js";
import { seedEpisodeReward } from "../../ai/rl/reward.js";
import { candlesFromCloses, trendingCloses } from "../../ai/rl/testing.js";
import { createRandom } from "../../domain/random.js";
import { runPolicy } from "./evaluate-agent.js";
import type { RewardFunction } from "./trading-env.js";
import { type AgentTrainingOptions, trainAgent } from "./train-agent.js";

const FEATURES: FeatureName[] = ["price_change_1h", "price_change_4h", "momentum_5", "current_position"];

function options(seed: number, overrides: Partial<AgentTrainingOptions> = {}): AgentTrainingOptions {
  return {
    kind: "dqn",
    candles: candlesFromCloses(trendingCloses(3000, 11)),
    features: FEATURES,
    actions: TRADE_ACTIONS,
    allowShort: false,
    reward: () => seedEpisodeReward() as RewardFunction,
    windows: { trainFrom: 0, validationFrom: 1800, testFrom: 2400, end: 3000 },
    cash: 10_000,
    fee: 0.0005,
    seed,
    epochs: 3,
    patience: 2,
    trainEvery: 2,
    hidden: [16, 16],
    ...overrides,
  };
}

describe("training a DQN agent in the environment", () => {
  it("learns to follow a deterministic trend: on held-out bars it beats a random policy and buy-and-hold", () => {
    const result = trainAgent(options(1));
    const random = createRandom(5);
    const randomRun = runPolicy(result.testEnv, () => random.int(0, 2), 10_000);
    // The test window's 600 bars were never trained on nor used for early stopping.
    expect(result.test.figures.totalReturn).toBeGreaterThan(randomRun.figures.totalReturn + 0.1);
    expect(result.test.figures.totalReturn).toBeGreaterThan(result.buyAndHold.totalReturn + 0.1);
    expect(result.test.figures.trades).toBeGreaterThan(3);
  }, 60_000);

  it("is deterministic: the same seed gives the same agent file, byte for byte; another seed another agent", () => {
    const short = { epochs: 1, windows: { trainFrom: 0, validationFrom: 700, testFrom: 900, end: 1100 } };
    const a = JSON.stringify(trainAgent(options(3, short)).file);
    const b = JSON.stringify(trainAgent(options(3, short)).file);
    const c = JSON.stringify(trainAgent(options(4, short)).file);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  }, 60_000);

  it("refuses windows that do not leave room for warm-up, validation and test", () => {
    expect(() =>
      trainAgent(options(1, { windows: { trainFrom: 0, validationFrom: 50, testFrom: 60, end: 70 } })),
    ).toThrow(/windows need/);
  });
});
