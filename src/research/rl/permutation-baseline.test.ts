import { describe, expect, it } from "vitest";
import type { FeatureName } from "../../ai/features/feature-names.js";
import { TRADE_ACTIONS } from "../../ai/rl/env-actions.js";
import { seedEpisodeReward } from "../../ai/rl/reward.js";
import { candlesFromCloses, trendingCloses } from "../../ai/rl/testing.js";
import { compareWithPermuted, permutationBaseline } from "./permutation-baseline.js";
import type { RewardFunction } from "./trading-env.js";
import { type AgentTrainingOptions, trainAgent } from "./train-agent.js";

describe("compareWithPermuted", () => {
  it("gives the share beaten and the empirical p-value (1 + #≥) / (K + 1)", () => {
    const c = compareWithPermuted(0.1, [0.05, 0.2, -0.1, 0.1]);
    expect(c.beatenShare).toBe(0.5);
    expect(c.pValue).toBe(3 / 5);
    expect(c.permutedMedian).toBeCloseTo(0.075, 12);
    expect(compareWithPermuted(1, [0, 0, 0]).pValue).toBe(0.25);
    expect(compareWithPermuted(null, [0]).pValue).toBeNull();
    // A permuted agent whose figure is not measurable counts as beaten, not as "at least as good".
    expect(compareWithPermuted(0, [null, 1]).beatenShare).toBe(0.5);
  });
});

describe("permutationBaseline", () => {
  it("on a learnable trend market the real agent beats every agent trained on shuffled bars", () => {
    const options: AgentTrainingOptions = {
      kind: "dqn",
      candles: candlesFromCloses(trendingCloses(3000, 11)),
      features: ["price_change_1h", "price_change_4h", "momentum_5", "current_position"] as FeatureName[],
      actions: TRADE_ACTIONS,
      allowShort: false,
      reward: () => seedEpisodeReward() as RewardFunction,
      windows: { trainFrom: 0, validationFrom: 1800, testFrom: 2400, end: 3000 },
      cash: 10_000,
      fee: 0.0005,
      seed: 1,
      epochs: 2,
      patience: 2,
      trainEvery: 2,
      hidden: [16, 16],
    };
    const real = trainAgent(options);
    const done: number[] = [];
    const baseline = permutationBaseline(options, real.test.figures, 3, (n) => done.push(n));
    expect(done).toEqual([1, 2, 3]);
    expect(baseline.seeds).toEqual([1, 2, 3]);
    expect(baseline.agents).toHaveLength(3);
    expect(baseline.totalReturn.real).toBe(real.test.figures.totalReturn);
    expect(baseline.totalReturn.beatenShare).toBe(1);
    expect(baseline.totalReturn.pValue).toBe(0.25);
    // The permuted agents really are different agents: trained on other bars, they act otherwise on the test.
    expect(new Set(baseline.agents.map((a) => a.totalReturn)).size).toBeGreaterThan(1);
  }, 120_000);
});
