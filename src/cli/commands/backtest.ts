import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buyAndHoldIndex } from "../../backtest/benchmark.js";
import { hashConfig, hashSeries } from "../../backtest/hash.js";
import { formatMetrics } from "../../backtest/metrics/index.js";
import type { ReportThread } from "../../backtest/output/report-thread.js";
import { formatRiskEffect } from "../../backtest/risk-effect.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import { type BacktestSummary, summarize, timeframeLabel } from "../../backtest/summary.js";
import { loadConfig } from "../../config/load-config.js";
import type { AegisConfig } from "../../config/schema.js";
import { formatGrouped } from "../../domain/format-grouped.js";
import { DecisionCombiner } from "../../engine/combiner.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import type { RiskConfig } from "../../risk/config.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { STANDARD_PARAMETERS } from "../../strategy/builtin/standard-parameters.js";
import { loadAnyStrategy } from "../../strategy/registry.js";
import { strategySource } from "../../strategy/signal-source.js";
import { warmupWarnings } from "../../strategy/spec/warmup.js";
import { isoMinute } from "../format-time.js";
import { fundingEntries, resolveFunding } from "../funding-option.js";
import { nextSteps, sampleWords } from "../next-steps.js";
import { prepareOutputDir } from "../output-path.js";
import { ProgressBar } from "../progress.js";
import { type RunCliOptions, resolveRunOptions } from "../run-options.js";
import { UsageError } from "../usage-error.js";
import { planWarmup } from "../warmup.js";
import { AI_STRATEGY } from "./ai-strategy.js";
import type { BacktestLlmOptions } from "./backtest-llm.js";

export interface BacktestCliOptions extends RunCliOptions, BacktestLlmOptions {
  /** One name, or several (`--strategy a --strategy b`): the first is the slot's, the others vote beside it. */
  strategy: string | string[];
  /** `[SYMBOL=]FILE` funding-rate files; default: `backtest.funding` in the config. */
  funding?: string[];
  out?: string;
  json?: boolean;
  progress: boolean;
}

export async function backtestCommand(options: BacktestCliOptions, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  if (!options.out) return backtestWith(options, globals, config, undefined);
  prepareOutputDir("--out", options.out);
  // Started first so that its modules load while the market is read or generated and the engine runs.
  const thread = (await import("../../backtest/output/report-thread.js")).ReportThread.start();
  try {
    await backtestWith(options, globals, config, thread);
  } finally {
    await thread.stop();
  }
}

async function backtestWith(
  options: BacktestCliOptions,
  globals: { config?: string },
  config: AegisConfig,
  thread: ReportThread | undefined,
): Promise<void> {
  const run = await resolveRunOptions(options, config, globals.config);
  const { cash, fee, slippage, size, sizeText, leverage, participation, seed, data } = run;
  const [name, ...voterNames] = typeof options.strategy === "string" ? [options.strategy] : options.strategy;
  if (name === undefined) throw new UsageError("--strategy names no strategy");
  if (voterNames.includes(AI_STRATEGY) || (name === AI_STRATEGY && voterNames.length > 0))
    throw new UsageError("--strategy ai is already an ensemble; it runs alone");
  const twice = [name, ...voterNames].find((n, i, all) => all.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--strategy ${twice} is given twice; each strategy votes once`);
  const voters = await Promise.all(voterNames.map(async (n) => strategySource(await loadAnyStrategy(n, {}))));
  // The AI ensemble, the LLM advisor, the async runner and the output writers are imported only when asked for:
  // a plain backtest would otherwise compile and evaluate them at every run.
  const ai = name === AI_STRATEGY ? (await import("./backtest-ai.js")).prepareAiRun(run.params, run.risk) : undefined;
  const riskConfig = ai ? ai.risk : run.risk;
  const strategy =
    ai?.ensemble.technical ??
    (name.startsWith("ml:")
      ? (await import("./train.js")).mlStrategyOption(name)
      : name.startsWith("dqn:")
        ? (await import("./train-dqn.js")).dqnStrategyOption(name)
        : name.startsWith("leverage-dqn:")
          ? await (await import("./train-dqn.js")).leverageDqnStrategyOption(
              name,
              options.funding?.length === 1 && !options.funding[0]?.includes("=") ? options.funding[0] : undefined,
            )
          : await loadAnyStrategy(name, run.params));
  for (const warning of strategy.spec ? warmupWarnings(strategy.spec, run.params, data.series) : []) {
    process.stderr.write(`warning: ${warning}\n`);
  }
  const funding = await resolveFunding(
    options.funding ?? fundingEntries(config.backtest.funding),
    data.series,
    options.funding === undefined && globals.config ? dirname(globals.config) : process.cwd(),
  );
  for (const warning of funding?.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  const warmup = planWarmup(strategy, data);
  const first = Math.min(...data.series.map((s) => s.time[0] as number));
  const wantsLlm = options.llmAdvisor || options.llmReplay !== undefined || options.forceContaminated;
  const llm = await (wantsLlm ? (await import("./backtest-llm.js")).prepareBacktestLlm : noLlm)(
    options,
    config.llm,
    Math.min(first, ...warmup.series.map((s) => s.time[0] as number)),
  );
  const risk = riskConfig
    ? createRiskRuntime(riskConfig, {
        store: new MemoryStateStore(),
        mode: "backtest",
        ...(run.providers ? { providers: run.providers } : {}),
      })
    : undefined;
  const progress = new ProgressBar("backtest", options.progress && !options.json);
  const aiCombiner = ai ? new DecisionCombiner(ai.ensemble.orchestrator.combinerOptions) : undefined;
  const combiner = llm ? (aiCombiner ?? new DecisionCombiner()).withWeights(llm.weights) : aiCombiner;
  const running = (llm ? (await import("../../backtest/run-backtest-async.js")).runBacktestAsync : runBacktest)({
    ...(risk ? { shield: risk.shield } : {}),
    ...(risk?.positionManager ? { positionManager: risk.positionManager } : {}),
    ...(risk?.regimeColumn ? { regimeColumn: risk.regimeColumn } : {}),
    feeds: warmup.series.map((series) => ({
      series,
      strategy: warmup.strategy,
      ...(size ? { size } : {}),
      ...(leverage !== 1 ? { leverage } : {}),
      ...(ai || llm || voters.length > 0
        ? { sources: [...(ai ? ai.ensemble.sourcesFor(series.symbol) : voters), ...(llm ? [llm.advisor] : [])] }
        : {}),
    })),
    ...(combiner ? { combiner } : {}),
    ...(ai ? { learners: ai.ensemble.learners } : {}),
    cash,
    fee,
    slippage,
    ...(participation !== undefined ? { maxVolumeParticipation: participation } : {}),
    ...(funding ? { funding: funding.source } : {}),
    runId: `bt-${seed}`,
    onProgress: (done, total) => progress.update(done, total),
  });
  // The replay store is needed only while the bars run.
  const fullRun = await Promise.resolve(running).finally(() => llm?.close());
  const result = warmup.measured(fullRun);
  progress.done();

  const last = Math.max(...data.series.map((s) => s.time[s.length - 1] as number));
  const runConfig = {
    strategy: strategy.spec ?? { module: name, name: strategy.name },
    parameters: strategy.parameters,
    cash,
    fee,
    slippage: slippage.description,
    size: sizeText ?? "strategy default / equal share of equity",
    leverage,
    participation: participation ?? null,
    // Only when given, so that the config hash of a run without funding stays what it was.
    ...(funding ? { funding: funding.files } : {}),
    seed,
    risk: riskConfig ?? "off (--no-risk)",
    ...(ai ? { ensemble: ai.ensemble.orchestrator.note } : {}),
    warmupBars: warmup.warmupBars,
    ...(llm
      ? { llm: { mode: llm.note().mode, model: llm.note().model, trainingCutoff: llm.note().trainingCutoff } }
      : {}),
  };
  const contamination = llm?.contamination();
  // Computed once for the summary's metrics and the report's curve.
  const buyAndHold = buyAndHoldIndex(data.series, result.equity.time);
  const plain = summarize(
    result,
    data.series,
    {
      strategy: ai ? AI_STRATEGY : strategy.name,
      parameters: strategy.parameters,
      symbols: data.series.map((s) => s.symbol),
      timeframe: timeframeLabel(data.series),
      dataSource: data.source,
      dataRange: { from: first, to: last },
      bars: result.bars,
      cash,
      fee,
      slippage: slippage.description,
      size: runConfig.size,
      seed,
      dataHash: hashSeries(data.series),
      configHash: hashConfig(runConfig),
      sample: {
        kind: "unspecified",
        note: "parameters were given by hand; if they were tuned on this data, read every figure as in-sample",
      },
    },
    buyAndHold,
  );
  const summary = {
    ...plain,
    ...(llm ? { llm: llm.note() } : {}),
    ...(contamination ? { contamination } : {}),
  };

  if (options.out && thread) {
    const { writeBacktestOutputsInParallel } = await import("../../backtest/output/write-outputs.js");
    await writeBacktestOutputsInParallel(
      options.out,
      {
        result,
        summary,
        series: data.series,
        strategy,
        riskShield: risk !== undefined,
        ...(contamination ? { label: "CONTAMINATED" } : {}),
        buyAndHold,
      },
      thread,
      // Nothing below reads the candles or the equity curve: the thread takes them without a copy.
      true,
    );
    writeFileSync(join(options.out, "config.json"), `${JSON.stringify(runConfig, null, 2)}\n`);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const m = summary.meta;
  const lines = [
    ...(contamination ? [contamination.text, ""] : []),
    `Aegis backtest — ${m.strategy} ${formatParams(m.parameters)}`,
    `data     ${m.dataSource}: ${m.symbols.join(", ")} ${m.timeframe ?? ""}, ${isoMinute(m.dataRange.from)} → ${isoMinute(m.dataRange.to)}, ${m.bars} bars`,
    ...(warmup.note ? [warmup.note] : []),
    `costs    fee ${(fee * 100).toFixed(3)} % per side, slippage ${m.slippage}${funding ? `, funding from ${Object.values(funding.files).join(", ")}` : ""}; cash ${cash}; ${sampleWords(m.sample)}`,
    ...(ai ? [`ai       ${ai.ensemble.orchestrator.note}; ${learnerLine(ai.ensemble.learner.events)}`] : []),
    ...(llm ? [llm.line()] : []),
    `risk     ${riskLine(riskConfig, risk?.shield.layers.length ?? 0, summary)}`,
    ...formatRiskEffect(summary.risk),
    `run      ${result.elapsedMs.toFixed(0)} ms (${formatGrouped(summary.barsPerSecond, 0)} bars/s), ${result.trades.length} trades, final equity ${summary.finalEquity.toFixed(2)}`,
    `returns  ${summary.calendar.note}`,
    `VaR      ${varLine(summary)}`,
    "",
    formatMetrics(summary.metrics),
  ];
  if (options.out)
    lines.push(
      "",
      `wrote ${options.out}/{trades.csv,equity.csv,decisions.jsonl,position-actions.jsonl,summary.json,report.html}`,
      ...nextSteps(options.out, !options.data && !options.exchange),
    );
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function noLlm(): Promise<undefined> {
  return undefined;
}

function learnerLine(events: readonly { kind: string; strategy: string; reason: string; time: number }[]): string {
  const blocks = events.filter((e) => e.kind === "blocked");
  if (blocks.length === 0) return "the online learner blocked nothing";
  const first = blocks[0] as (typeof blocks)[number];
  return `the online learner blocked ${blocks.length} time(s), first at ${isoMinute(first.time)}: ${first.reason}`;
}

function riskLine(config: RiskConfig | undefined, layers: number, summary: BacktestSummary): string {
  if (!config) return "shield off (--no-risk): sanity checks only";
  if (!config.enabled) return "shield disabled in the config (risk.enabled: false): sanity checks only";
  const r = summary.risk;
  const by = r.layers.length > 0 ? "; by layer:" : "";
  return `shield on (${layers} layers${config.positionManagement.enabled ? ", position management" : ""}): ${r.ordersResized} order(s) resized, ${r.ordersDenied} denied, ${r.decisionsRejected} decision(s) rejected${r.halt ? "; TRADING HALTED" : ""}${by}`;
}

/** Daily VaR/CVaR at 95 and 99 %, historical then parametric, as losses in % of equity. */
function varLine(summary: BacktestSummary): string {
  const v = summary.valueAtRisk;
  const pct = (x: number | null): string => (x === null ? "n/a" : `${(x * 100).toFixed(2)}%`);
  const levels = v.levels.map(
    (l) =>
      `${l.confidence * 100}%: ${pct(l.historicalVar)}/${pct(l.historicalCvar)} historical, ${pct(l.parametricVar)}/${pct(l.parametricCvar)} normal`,
  );
  return `1-day VaR/CVaR of ${v.observations} daily returns — ${levels.join("; ")}${v.notes.length > 0 ? ` (${v.notes.join("; ")})` : ""}`;
}

function formatParams(params: Readonly<Record<string, number>>): string {
  // Switched-off standard options (stopLoss=0 …) are noise in a one-line header.
  const shown = Object.entries(params).filter(([k, v]) => !(k in STANDARD_PARAMETERS && v === 0));
  return `(${shown.map(([k, v]) => `${k}=${v}`).join(" ")})`;
}
