/**
 * `aegis train dqn` and `aegis train leverage-dqn`: train on a training window, early-stop on a validation
 * window, save the agent, and judge it once on a later held-out test window against buy-and-hold and sma-cross,
 * with fees, slippage (and funding for the perpetual). The figures are printed and saved whether they win or lose.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DQN_FEATURES, LEVERAGE_DQN_FEATURES } from "../../ai/features/feature-names.js";
import { AgentFileError } from "../../ai/rl/agent-file.js";
import { loadDqnStrategy } from "../../ai/rl/dqn-strategy.js";
import { LEVERAGE_ACTIONS, TRADE_ACTIONS } from "../../ai/rl/env-actions.js";
import { type LeverageContext, loadLeverageDqnStrategy } from "../../ai/rl/leverage-dqn-strategy.js";
import { leverageReward, seedEpisodeReward } from "../../ai/rl/reward.js";
import { loadFundingRates } from "../../data/funding/funding-rates.js";
import { type CandleSeries, lowerBound, sliceSeries } from "../../domain/candles.js";
import { fixedBps } from "../../execution/slippage.js";
import { fundingSourceOf } from "../../research/rl/env-data.js";
import type { PolicyFigures } from "../../research/rl/evaluate-agent.js";
import { type LeverageLevelStats, leverageStats } from "../../research/rl/leverage-stats.js";
import {
  type PermutationBaseline,
  type PermutationComparison,
  permutationBaseline,
} from "../../research/rl/permutation-baseline.js";
import type { RewardFunction } from "../../research/rl/trading-env.js";
import { type AgentTrainingOptions, type AgentTrainingResult, trainAgent } from "../../research/rl/train-agent.js";
import { createLeverageLayers, leverageGuardSchema } from "../../risk/leverage/volatility-leverage.js";
import { RiskShield, sanityLayer } from "../../risk/shield.js";
import type { Strategy } from "../../strategy/strategy.js";
import { loadDataFiles } from "../load-data-files.js";
import { prepareOutputDir } from "../output-path.js";
import { nonNegative, numberOption, positive, positiveInteger, timeOption } from "../parse-options.js";
import { ProgressBar } from "../progress.js";
import { UsageError } from "../usage-error.js";

export interface TrainDqnCliOptions {
  data?: string;
  funding?: string;
  from?: string;
  to?: string;
  trainUntil?: string;
  validateUntil?: string;
  epochs: string;
  patience: string;
  trainEvery: string;
  fee: string;
  slippageBps: string;
  cash: string;
  seed: string;
  /** Permutation baseline: this many more agents trained on shuffled training bars (0: none). */
  permutations?: string;
  short?: boolean;
  out: string;
  progress: boolean;
  json?: boolean;
}

/** `--strategy dqn:<agent.json>` for `aegis backtest`; a bad file is a UsageError. */
export function dqnStrategyOption(reference: string): Strategy & { readonly spec?: undefined } {
  try {
    return loadDqnStrategy(reference);
  } catch (error) {
    if (error instanceof RangeError || error instanceof AgentFileError)
      throw new UsageError(`--strategy ${reference}: ${error.message}`);
    throw error;
  }
}

/**
 * `--strategy leverage-dqn:<agent.json>[?funding=<file>]` for `aegis backtest` and `aegis trade`: the leverage agent
 * proposes direction and leverage per decision, the risk shield decides. An agent trained with the funding rate
 * needs its series: `?funding=`, else `fundingFile` (the backtest's single `--funding` file). Bad input: UsageError.
 */
export async function leverageDqnStrategyOption(
  reference: string,
  fundingFile?: string,
): Promise<Strategy & { readonly spec?: undefined }> {
  const [path = "", query = ""] = reference.replace(/^leverage-dqn:/, "").split("?");
  const settings = new URLSearchParams(query);
  const unknown = [...settings.keys()].filter((key) => key !== "funding");
  if (unknown.length > 0)
    throw new UsageError(`--strategy ${reference}: unknown setting ${unknown.join(", ")} (funding=FILE)`);
  const funding = settings.get("funding") ?? fundingFile;
  let context: LeverageContext = {};
  if (funding !== undefined) {
    if (!existsSync(funding)) throw new UsageError(`--strategy ${reference}: funding file ${funding} does not exist`);
    try {
      const rates = await loadFundingRates(funding);
      context = { funding_rate: { known: rates.time, values: rates.rate } };
    } catch (error) {
      throw new UsageError(`--strategy ${reference}: ${(error as Error).message}`);
    }
  }
  try {
    return loadLeverageDqnStrategy(`leverage-dqn:${path}`, context);
  } catch (error) {
    if (error instanceof RangeError || error instanceof AgentFileError)
      throw new UsageError(`--strategy ${reference}: ${error.message}`);
    throw error;
  }
}

async function loadCandles(options: TrainDqnCliOptions): Promise<CandleSeries> {
  if (!options.data) throw new UsageError("--data <file> is required (a candle CSV, CSV.gz or Parquet file)");
  if (!existsSync(options.data)) throw new UsageError(`--data ${options.data} does not exist`);
  const from = timeOption("from", options.from);
  const to = timeOption("to", options.to, "end-of-day");
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
  const warnings: string[] = [];
  const [loaded] = await loadDataFiles({ files: [options.data], symbols: [], policy: "reject", from, to }, warnings);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const candles =
    loaded &&
    sliceSeries(
      loaded,
      from === undefined ? 0 : lowerBound(loaded, from),
      to === undefined ? loaded.length : lowerBound(loaded, to + 1),
    );
  if (!candles || candles.length === 0) throw new UsageError(`--data ${options.data}: no bars in the range asked for`);
  return candles;
}

/** Training / validation / test windows: from the dates given, else 60 % / 20 % / 20 % of the bars. */
function windowsOf(candles: CandleSeries, options: TrainDqnCliOptions) {
  const n = candles.length;
  const at = (name: string, text: string | undefined, fallback: number) => {
    const time = timeOption(name, text);
    return time === undefined ? fallback : lowerBound(candles, time);
  };
  const validationFrom = at("train-until", options.trainUntil, Math.floor(n * 0.6));
  const testFrom = at("validate-until", options.validateUntil, Math.floor(n * 0.8));
  if (!(validationFrom > 500 && testFrom - validationFrom >= 200 && n - testFrom >= 200)) {
    throw new UsageError(
      `${n} bars split at ${validationFrom} (--train-until) and ${testFrom} (--validate-until): training needs > 500 bars and validation and test ≥ 200 each`,
    );
  }
  return { trainFrom: 0, validationFrom, testFrom, end: n };
}

function commonSettings(options: TrainDqnCliOptions) {
  const whole = (n: number) => (Number.isInteger(n) && n >= 0 ? undefined : "must be a whole number >= 0");
  return {
    epochs: numberOption("epochs", options.epochs, positiveInteger) as number,
    patience: numberOption("patience", options.patience, positiveInteger) as number,
    trainEvery: numberOption("train-every", options.trainEvery, positiveInteger) as number,
    fee: numberOption("fee", options.fee, (n) => (n >= 0 && n < 0.1 ? undefined : "must be in [0, 0.1)")) as number,
    slippage: fixedBps(numberOption("slippage-bps", options.slippageBps, nonNegative) as number),
    cash: numberOption("cash", options.cash, positive) as number,
    seed: numberOption("seed", options.seed, whole) as number,
  };
}

/** `aegis train dqn`: the 3-action agent (HOLD / BUY / SELL) with the seed's reward. */
export async function trainDqnCommand(options: TrainDqnCliOptions): Promise<void> {
  const settings = commonSettings(options);
  const permutations = permutationCount(options);
  const candles = await loadCandles(options);
  const windows = windowsOf(candles, options);
  prepareOutputDir("--out", options.out);
  const training: AgentTrainingOptions = {
    kind: "dqn",
    candles,
    features: DQN_FEATURES,
    actions: TRADE_ACTIONS,
    allowShort: options.short ?? false,
    reward: () => seedEpisodeReward() as RewardFunction,
    windows,
    ...settings,
    onProgress: progressOf("train dqn", options),
  };
  const result = run("train dqn", options, () => trainAgent(training));
  const baseline =
    permutations > 0 ? run("train dqn", options, () => permuted(training, result, permutations, options)) : undefined;
  report(result, options, candles, undefined, baseline);
}

/** `aegis train leverage-dqn`: 11 actions on a perpetual with funding, the liquidation-aware reward, the guard. */
export async function trainLeverageDqnCommand(options: TrainDqnCliOptions): Promise<void> {
  const settings = commonSettings(options);
  const permutations = permutationCount(options);
  if (!options.funding) throw new UsageError("--funding <file> is required (the perpetual's funding-rate CSV)");
  if (!existsSync(options.funding)) throw new UsageError(`--funding ${options.funding} does not exist`);
  const candles = await loadCandles(options);
  let rates: Awaited<ReturnType<typeof loadFundingRates>>;
  try {
    rates = await loadFundingRates(options.funding, { symbol: candles.symbol });
  } catch (error) {
    throw new UsageError(`--funding: ${(error as Error).message}`);
  }
  const windows = windowsOf(candles, options);
  prepareOutputDir("--out", options.out);
  // The production leverage guard (its defaults): the agent proposes a leverage, the guard may cut or deny it.
  const guard = leverageGuardSchema.parse({});
  const shield = () => new RiskShield([sanityLayer, ...createLeverageLayers(guard)]);
  const training: AgentTrainingOptions = {
    kind: "leverage-dqn",
    candles,
    features: LEVERAGE_DQN_FEATURES,
    context: { funding_rate: { known: rates.time, values: rates.rate } },
    actions: LEVERAGE_ACTIONS,
    allowShort: true,
    reward: () => ((outcome) => leverageReward(outcome)) as RewardFunction,
    windows,
    funding: fundingSourceOf(rates),
    shield,
    ...settings,
    onProgress: progressOf("train leverage-dqn", options),
  };
  const result = run("train leverage-dqn", options, () => trainAgent(training));
  const baseline =
    permutations > 0
      ? run("train leverage-dqn", options, () => permuted(training, result, permutations, options))
      : undefined;
  report(result, options, candles, leverageStats(result.test.trades, result.test.tradeLeverage), baseline);
}

function permutationCount(options: TrainDqnCliOptions): number {
  return numberOption("permutations", options.permutations ?? "0", (n) =>
    Number.isInteger(n) && n >= 0 && n <= 1000 ? undefined : "must be a whole number in [0, 1000]",
  ) as number;
}

/** The K permuted agents, with a progress bar of their own. */
function permuted(
  training: AgentTrainingOptions,
  result: AgentTrainingResult,
  count: number,
  options: TrainDqnCliOptions,
): PermutationBaseline {
  const bar = new ProgressBar("permutation baseline", options.progress && !options.json);
  try {
    return permutationBaseline(training, result.test.figures, count, (done, total) =>
      bar.update(done, total, `agent ${done} of ${total}`),
    );
  } finally {
    bar.done();
  }
}

function progressOf(label: string, options: TrainDqnCliOptions) {
  const bar = new ProgressBar(label, options.progress && !options.json);
  return (epoch: number, epochs: number, detail: string) => {
    bar.update(epoch, epochs, detail);
    if (epoch === epochs) bar.done();
  };
}

function run<T>(label: string, options: TrainDqnCliOptions, train: () => T): T {
  try {
    return train();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${label}: ${error.message}`);
    throw error;
  } finally {
    if (options.progress && !options.json) process.stderr.write("\n");
  }
}

function report(
  result: AgentTrainingResult,
  options: TrainDqnCliOptions,
  candles: CandleSeries,
  levels: { levels: LeverageLevelStats[]; all: LeverageLevelStats } | undefined,
  baseline: PermutationBaseline | undefined,
): void {
  const agentPath = join(options.out, "agent.json");
  const reportPath = join(options.out, "report.json");
  const test = result.test;
  const summary = {
    kind: result.file.kind,
    symbol: candles.symbol,
    windows: result.windows,
    epochsRun: result.epochs.length,
    bestEpoch: result.bestEpoch,
    validation: result.validation,
    test: test.figures,
    buyAndHold: result.buyAndHold,
    rule: { strategy: "sma-cross", ...result.rule },
    actions: Object.fromEntries(result.file.actions.map((a, i) => [a.label, test.actionCounts[i] ?? 0])),
    ...(levels
      ? {
          shield: { ...test.shield, cutShare: test.shield.proposals > 0 ? test.shield.cut / test.shield.proposals : 0 },
          perLeverage: levels.levels,
          kelly: levels.all.kelly,
        }
      : {}),
    ...(baseline ? { permutationBaseline: baseline } : {}),
    agent: agentPath,
  };
  writeFileSync(
    agentPath,
    `${JSON.stringify({ ...result.file, training: { ...result.file.training, report: summary } }, null, 1)}\n`,
  );
  writeFileSync(reportPath, `${JSON.stringify(summary, null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
  const w = result.windows;
  const row = (name: string, f: PolicyFigures) =>
    `  ${name.padEnd(16)} ${pct(f.totalReturn).padStart(9)}  ${(f.sharpe === null ? "n/a" : f.sharpe.toFixed(2)).padStart(6)}  ${pct(-f.maxDrawdown).padStart(9)}  ${String(f.trades).padStart(6)}  ${String(f.liquidations).padStart(5)}  ${f.fundingPaid.toFixed(2).padStart(9)}`;
  const lines = [
    `Aegis train ${result.file.kind} — ${candles.symbol}, ${candles.length} bars`,
    `  train       ${iso(w.train.from)} → ${iso(w.train.to)} (${w.train.bars} bars)`,
    `  validation  ${iso(w.validation.from)} → ${iso(w.validation.to)} (${w.validation.bars} bars; early stopping, best epoch ${result.bestEpoch} of ${result.epochs.length})`,
    `  test        ${iso(w.test.from)} → ${iso(w.test.to)} (${w.test.bars} bars; out of sample, seen once)`,
    "",
    "  out of sample      return  Sharpe   max DD   trades  liqs.   funding",
    row("agent", test.figures),
    row("buy-and-hold", result.buyAndHold),
    row("sma-cross", result.rule),
    row("(validation)", result.validation),
    `  actions          ${Object.entries(summary.actions)
      .map(([label, n]) => `${label} ${n}`)
      .join(", ")}`,
  ];
  if (levels) {
    const s = test.shield;
    lines.push(
      `  leverage guard   cut ${s.cut} of ${s.proposals} opening orders (${pct(s.proposals > 0 ? s.cut / s.proposals : 0)}), ${s.denied} denied`,
      "  per leverage     trades  win rate  avg return/trade  liqs.  Kelly f* (applied)",
      ...levels.levels.map(
        (l) =>
          `  ${`${l.leverage}×`.padEnd(16)} ${String(l.trades).padStart(6)}  ${(l.winRate === null ? "n/a" : pct(l.winRate)).padStart(8)}  ${(l.averageReturn === null ? "n/a" : pct(l.averageReturn)).padStart(16)}  ${String(l.liquidations).padStart(5)}  ${kellyText(l)}`,
      ),
      `  Kelly (all trades) ${kellyText(levels.all)}`,
    );
  }
  if (baseline) lines.push(...permutationLines(baseline));
  lines.push(`  agent            ${agentPath}`, `  report           ${reportPath}`);
  lines.push(
    result.file.kind === "dqn"
      ? `  backtest it with aegis backtest --data ${options.data} --strategy dqn:${agentPath}`
      : `  backtest it with aegis backtest --data ${options.data} --funding ${options.funding} --strategy leverage-dqn:${agentPath}`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

function permutationLines(b: PermutationBaseline): string[] {
  const line = (name: string, c: PermutationComparison, format: (x: number) => string) => {
    const shown = (x: number | null) => (x === null ? "n/a" : format(x));
    return `  ${name.padEnd(16)} agent ${shown(c.real)}; permuted median ${shown(c.permutedMedian)}, range ${shown(minOf(c.permuted))} … ${shown(maxOf(c.permuted))}; beats ${c.beatenShare === null ? "n/a" : pct(c.beatenShare)} of them, p = ${c.pValue === null ? "n/a" : c.pValue.toFixed(3)}`;
  };
  return [
    `  permutation baseline: ${b.seeds.length} agents trained on shuffled training bars (same seed and budget), same test window`,
    line("return", b.totalReturn, pct),
    line("Sharpe", b.sharpe, (x) => x.toFixed(2)),
  ];
}

function minOf(xs: readonly (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : Math.min(...known);
}

function maxOf(xs: readonly (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : Math.max(...known);
}

function kellyText(l: LeverageLevelStats): string {
  return "unavailable" in l.kelly
    ? `n/a (${l.kelly.unavailable})`
    : `${l.kelly.full.toFixed(3)} (${l.kelly.applied.toFixed(3)})`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}
