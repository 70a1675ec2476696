/**
 * Speed of the DQN's network (Algo Trading Lab's 18 → 128 → 64 → 32 → 3, Float32): inference per bar (one
 * forward pass, the live vote's cost; goal < 20 µs) and training steps per second (batch 64 of Huber loss + Adam,
 * target network forward passes included), with a full replay buffer of random transitions.
 */
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { DQN_FEATURES } from "../src/ai/features/feature-names.js";
import { DqnAgent } from "../src/ai/rl/dqn-agent.js";
import { TRADE_ACTIONS } from "../src/ai/rl/env-actions.js";
import { fitNormalization } from "../src/ai/rl/observation.js";
import { seedEpisodeReward } from "../src/ai/rl/reward.js";
import { loadCsv } from "../src/data/csv/load-csv.js";
import { createRandom } from "../src/domain/random.js";
import { fixedBps } from "../src/execution/slippage.js";
import { observationColumns } from "../src/research/rl/env-data.js";
import { type RewardFunction, TradingEnv } from "../src/research/rl/trading-env.js";

const BTC = fileURLToPath(new URL("../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url));

/** Environment steps per second (engine + observation + reward) over real BTC 1h, a random sticky policy. */
async function envStepsPerSecond(): Promise<{ bars: number; stepsPerSecond: number } | undefined> {
  if (!existsSync(BTC)) return undefined;
  const candles = (await loadCsv(BTC)).series;
  const { columns, validFrom } = observationColumns(candles, DQN_FEATURES);
  const env = new TradingEnv({
    candles,
    features: DQN_FEATURES,
    columns,
    normalization: fitNormalization(DQN_FEATURES, columns, validFrom, candles.length),
    actions: TRADE_ACTIONS,
    reward: seedEpisodeReward() as RewardFunction,
    start: validFrom,
    fee: 0.001,
    slippage: fixedBps(2),
  });
  const random = createRandom(1);
  const episode = () => {
    env.reset();
    let action = 0;
    let steps = 0;
    for (;;) {
      if (random.chance(0.02)) action = random.int(0, 2);
      steps++;
      if (env.step(action).done) return steps;
    }
  };
  episode();
  const started = performance.now();
  const steps = episode();
  return { bars: steps, stepsPerSecond: steps / ((performance.now() - started) / 1000) };
}

export async function run(log: (line: string) => void): Promise<string> {
  const random = createRandom(1);
  const agent = new DqnAgent({ warmupTransitions: 1000, replayCapacity: 10_000 });
  const state = new Float32Array(18);
  const next = new Float32Array(18);
  for (let i = 0; i < 10_000; i++) {
    for (let k = 0; k < 18; k++) {
      state[k] = random.normal();
      next[k] = random.normal();
    }
    agent.remember(state, random.int(0, 2), random.normal(), next, random.chance(0.01));
  }
  // Inference: warm the JIT, then time many forward passes.
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += agent.qValues(state)[0] as number;
  const passes = 200_000;
  let started = performance.now();
  for (let i = 0; i < passes; i++) {
    state[i % 18] = (i % 7) * 0.1;
    sink += agent.qValues(state)[0] as number;
  }
  const inferenceUs = ((performance.now() - started) * 1000) / passes;
  log(`rl: inference ${inferenceUs.toFixed(2)} µs per forward pass`);
  for (let i = 0; i < 50; i++) agent.trainStep();
  const steps = 1000;
  started = performance.now();
  for (let i = 0; i < steps; i++) agent.trainStep();
  const stepsPerSecond = steps / ((performance.now() - started) / 1000);
  log(`rl: ${stepsPerSecond.toFixed(0)} training steps/s (batch 64) ${sink === 0 ? "" : ""}`);
  const env = await envStepsPerSecond();
  log(env ? `rl: environment ${env.stepsPerSecond.toFixed(0)} steps/s over ${env.bars} real bars` : "rl: env skipped");
  return [
    "# RL: DQN network speed",
    "",
    `${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}; 18 → 128 → 64 → 32 → 3, Float32, one thread.`,
    "",
    "| measure | value |",
    "| --- | ---: |",
    `| inference, one forward pass (per bar) | ${inferenceUs.toFixed(2)} µs |`,
    `| training steps per second (batch 64, Huber + Adam, target pass) | ${stepsPerSecond.toFixed(0)} |`,
    `| transitions learned per second (steps × 64) | ${(stepsPerSecond * 64).toFixed(0)} |`,
    env
      ? `| environment steps per second (engine + features + reward), BTC/USDT 1h, ${env.bars.toLocaleString("en-US")} bars | ${env.stepsPerSecond.toFixed(0)} |`
      : "| environment steps per second | skipped: ../shared/data absent |",
    "",
  ].join("\n");
}
