/**
 * Speed of the DQN's network (Algo Trading Lab's 18 → 128 → 64 → 32 → 3, Float32): inference per bar (one
 * forward pass, the live vote's cost; goal < 20 µs) and training steps per second (batch 64 of Huber loss + Adam,
 * target network forward passes included), with a full replay buffer of random transitions.
 */
import { cpus, loadavg } from "node:os";
import { DqnAgent } from "../src/ai/rl/dqn-agent.js";
import { createRandom } from "../src/domain/random.js";

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
    "",
  ].join("\n");
}
