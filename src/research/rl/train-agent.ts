/**
 * Trains a DQN agent in the environment: epochs over the TRAINING window (ε-greedy, experience replay, a
 * minibatch every `trainEvery` bars), a greedy pass over the VALIDATION window after each epoch, the best epoch's
 * network kept, early stopping after `patience` epochs without a better validation return. Only then is the kept
 * network run once over the TEST window, with buy-and-hold and a rule strategy measured on the same bars and costs.
 * Nothing is chosen on the test window.
 */

import type { ContextSeries } from "../../ai/features/feature-matrix.js";
import { inferBarMs } from "../../ai/features/feature-matrix.js";
import type { ContextFeature, FeatureName } from "../../ai/features/feature-names.js";
import { FEATURE_PIPELINE_VERSION } from "../../ai/features/feature-names.js";
import {
  AGENT_FORMAT,
  AGENT_FORMAT_VERSION,
  type AgentFile,
  type AgentKind,
  encodeParams,
} from "../../ai/rl/agent-file.js";
import { DqnAgent } from "../../ai/rl/dqn-agent.js";
import type { EnvAction } from "../../ai/rl/env-actions.js";
import { fitNormalization, type Normalization } from "../../ai/rl/observation.js";
import { type CandleSeries, sliceSeries } from "../../domain/candles.js";
import type { FundingSource } from "../../execution/simulated-broker.js";
import type { SlippageModel } from "../../execution/slippage.js";
import type { RiskShield } from "../../risk/shield.js";
import { loadStrategy } from "../../strategy/registry.js";
import { observationColumns } from "./env-data.js";
import { type PolicyFigures, type PolicyRun, ruleBaseline, runPolicy } from "./evaluate-agent.js";
import { type RewardFunction, TradingEnv } from "./trading-env.js";

/** Bars each window's episode starts before its first decision, so the engine's risk columns are warm. */
const WARM_BARS = 100;

export interface AgentTrainingOptions {
  readonly kind: AgentKind;
  /** The whole series; the windows are bar indices into it. */
  readonly candles: CandleSeries;
  /**
   * What the training episodes play, if not `candles`: the same times with other bars (the permutation baseline
   * passes `candles` with its training bars shuffled, permuted-bars.ts). Validation and test always use `candles`.
   */
  readonly trainingCandles?: CandleSeries;
  readonly features: readonly FeatureName[];
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
  readonly actions: readonly EnvAction[];
  readonly allowShort: boolean;
  /** A new reward function per environment (rewards may keep per-episode state). */
  readonly reward: () => RewardFunction;
  /** [trainFrom, validationFrom) trains, [validationFrom, testFrom) validates, [testFrom, end) tests. */
  readonly windows: {
    readonly trainFrom: number;
    readonly validationFrom: number;
    readonly testFrom: number;
    readonly end: number;
  };
  readonly cash: number;
  readonly fee: number;
  readonly slippage?: SlippageModel;
  readonly funding?: FundingSource;
  readonly shield?: () => RiskShield;
  readonly seed: number;
  readonly epochs: number;
  readonly patience: number;
  /** One minibatch update every this many environment steps. */
  readonly trainEvery: number;
  readonly hidden?: readonly number[];
  readonly gamma?: number;
  readonly learningRate?: number;
  readonly onProgress?: (epoch: number, epochs: number, detail: string) => void;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainReturn: number;
  readonly validationReturn: number;
  readonly epsilon: number;
  readonly trainSteps: number;
}

export interface AgentTrainingResult {
  readonly file: AgentFile;
  readonly epochs: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly validation: PolicyFigures;
  readonly test: PolicyRun;
  readonly buyAndHold: PolicyFigures;
  readonly rule: PolicyFigures;
  readonly windows: Readonly<Record<"train" | "validation" | "test", { from: number; to: number; bars: number }>>;
  /** The trained agent (best epoch's network) and the test window's environment, for further measurements. */
  readonly agent: DqnAgent;
  readonly testEnv: TradingEnv;
}

export function trainAgent(o: AgentTrainingOptions): AgentTrainingResult {
  const { candles, windows: w } = o;
  const obs = observationColumns(candles, o.features, o.context ?? {});
  const trainingCandles = o.trainingCandles ?? candles;
  if (trainingCandles.length !== candles.length)
    throw new RangeError(`training candles have ${trainingCandles.length} bars, the series ${candles.length}`);
  const trainObs = o.trainingCandles ? observationColumns(trainingCandles, o.features, o.context ?? {}) : obs;
  const firstDecision = Math.max(w.trainFrom, obs.validFrom, trainObs.validFrom, WARM_BARS);
  if (
    !(
      firstDecision < w.validationFrom &&
      w.validationFrom < w.testFrom &&
      w.testFrom < w.end &&
      w.end <= candles.length
    )
  ) {
    throw new RangeError(
      `windows need warm-up ≤ train < validation < test ≤ end; got train ${firstDecision}, validation ${w.validationFrom}, test ${w.testFrom}, end ${w.end}`,
    );
  }
  const normalization = fitNormalization(o.features, trainObs.columns, firstDecision, w.validationFrom);
  const envFor = (from: number, to: number, series = candles, columns = obs.columns): TradingEnv => {
    const warm = Math.min(WARM_BARS, from);
    return new TradingEnv({
      candles: sliceSeries(series, from - warm, to),
      features: o.features,
      columns: columns.map((column) => column?.subarray(from - warm, to)),
      normalization,
      actions: o.actions,
      reward: o.reward(),
      start: warm,
      cash: o.cash,
      fee: o.fee,
      ...(o.slippage ? { slippage: o.slippage } : {}),
      ...(o.funding ? { funding: o.funding } : {}),
      ...(o.shield ? { shield: o.shield } : {}),
      allowShort: o.allowShort,
    });
  };
  const train = envFor(firstDecision, w.validationFrom, trainingCandles, trainObs.columns);
  const validation = envFor(w.validationFrom, w.testFrom);
  const test = envFor(w.testFrom, w.end);
  const layers = [o.features.length, ...(o.hidden ?? [128, 64, 32]), o.actions.length];
  const stepsPerEpoch = Math.max(1, Math.floor((w.validationFrom - firstDecision) / o.trainEvery));
  const agent = new DqnAgent({
    layers,
    seed: o.seed,
    ...(o.gamma !== undefined ? { gamma: o.gamma } : {}),
    ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}),
    // ε from 1 to 0.01 over the first epoch's updates, then exploitation with 1 % exploration.
    epsilonDecay: 0.01 ** (1 / stepsPerEpoch),
    warmupTransitions: Math.min(1000, Math.floor(stepsPerEpoch / 2) + 1),
  });
  const greedy = (observation: Float32Array) => agent.act(observation, true);
  const previous = new Float32Array(o.features.length);
  const epochs: EpochRecord[] = [];
  let best = { epoch: 0, validationReturn: Number.NEGATIVE_INFINITY, params: Float32Array.from(agent.online.params) };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let observation = train.reset(o.seed + epoch);
    let steps = 0;
    for (;;) {
      previous.set(observation);
      const action = agent.act(previous);
      const step = train.step(action);
      agent.remember(previous, action, step.reward, step.observation, step.done);
      if (++steps % o.trainEvery === 0) agent.trainStep();
      observation = step.observation;
      if (step.done) break;
    }
    const trainReturn = (train.equity.at(-1) ?? o.cash) / (train.equity[train.start - 1] ?? o.cash) - 1;
    const validationReturn = runPolicy(validation, greedy, o.cash).figures.totalReturn;
    epochs.push({ epoch, trainReturn, validationReturn, epsilon: agent.epsilon, trainSteps: agent.trainSteps });
    o.onProgress?.(epoch, o.epochs, `validation ${(validationReturn * 100).toFixed(2)} %`);
    if (validationReturn > best.validationReturn) {
      best = { epoch, validationReturn, params: Float32Array.from(agent.online.params) };
    } else if (epoch - best.epoch >= o.patience) break;
  }
  agent.online.params.set(best.params);
  const validationRun = runPolicy(validation, greedy, o.cash);
  const testRun = runPolicy(test, greedy, o.cash);
  const hold = o.actions.findIndex((a) => a.signal === "buy" && a.leverage === 1);
  const buyAndHold = runPolicy(test, () => hold, o.cash).figures;
  const rule = ruleBaseline(test.candles, loadStrategy("sma-cross"), test.start, {
    cash: o.cash,
    fee: o.fee,
    allowShort: o.allowShort,
    ...(o.slippage ? { slippage: o.slippage } : {}),
    ...(o.funding ? { funding: o.funding } : {}),
    ...(o.shield ? { shield: o.shield() } : {}),
  });
  const span = (from: number, to: number) => ({
    from: candles.time[from] as number,
    to: candles.time[to - 1] as number,
    bars: to - from,
  });
  const windows = {
    train: span(firstDecision, w.validationFrom),
    validation: span(w.validationFrom, w.testFrom),
    test: span(w.testFrom, w.end),
  };
  const file: AgentFile = {
    format: AGENT_FORMAT,
    formatVersion: AGENT_FORMAT_VERSION,
    kind: o.kind,
    featurePipelineVersion: FEATURE_PIPELINE_VERSION,
    features: o.features,
    absentFeatures: obs.absent,
    normalization: roundNormalization(normalization),
    actions: o.actions,
    allowShort: o.allowShort,
    layers,
    params: encodeParams(best.params),
    barMs: inferBarMs(candles.time),
    symbol: candles.symbol,
    training: {
      seed: o.seed,
      windows,
      bestEpoch: best.epoch,
      epochs,
      validation: validationRun.figures,
      test: testRun.figures,
      buyAndHold,
      rule: { strategy: "sma-cross", ...rule },
    },
  };
  return {
    file,
    epochs,
    bestEpoch: best.epoch,
    validation: validationRun.figures,
    test: testRun,
    buyAndHold,
    rule,
    windows,
    agent,
    testEnv: test,
  };
}

/** Normalization as stored: the float64 values, exactly (JSON keeps them), so a reload observes what training did. */
function roundNormalization(n: Normalization): Normalization {
  return { mean: [...n.mean], sd: [...n.sd] };
}
