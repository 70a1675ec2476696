import { ChatLlmBridge } from "../../ai/llm/chat-llm-bridge.js";
import { ContaminationGuard } from "../../ai/llm/contamination-guard.js";
import type { LlmBridge, LlmRole } from "../../ai/llm/llm-bridge.js";
import { LlmConfigError, resolveLlmRoles } from "../../ai/llm/llm-config.js";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { loadConfig } from "../../config/load-config.js";
import type { CandleSeries } from "../../domain/candles.js";
import { StrategyLifecycle } from "../../engine/lifecycle/strategy-lifecycle.js";
import { type AuditContext, type EvolutionSuggestion, recentRecord, runAudit } from "../../research/llm/auditor.js";
import { runDebate } from "../../research/llm/debate.js";
import type { DebateTranscript } from "../../research/llm/debate-types.js";
import { formatTranscript } from "../../research/llm/format-transcript.js";
import { splitWindows } from "../../research/llm/gate-windows.js";
import { runHypotheses } from "../../research/llm/hypothesis.js";
import { storeLifecycleEntry } from "../../research/llm/lifecycle-entry.js";
import { RedTeam } from "../../research/llm/red-team.js";
import { createStabilityLock } from "../../risk/guards/stability-lock.js";
import { openStore } from "../../store/open-store.js";
import { openRiskState } from "../../store/risk-state.js";
import type { Store } from "../../store/store.js";
import { loadDataFiles } from "../load-data-files.js";
import { numberOption, positive, positiveInteger, timeOption } from "../parse-options.js";
import { UsageError } from "../usage-error.js";

interface Globals {
  config?: string;
}

/** What the commands need from outside; tests inject a scripted bridge and a clock. */
export interface LlmResearchDeps {
  readonly bridge?: LlmBridge;
  readonly clock?: () => number;
}

/**
 * The bridge of the configured roles (`llm:` in the config, OLLAMA_HOST / AI_MODEL …); a role without a model is
 * off. With --db every prompt and answer is stored in the store's LLM table (read through `store()`, which opens
 * after the bridge is built).
 */
function configuredBridge(
  globals: Globals,
  db: string | undefined,
  store: () => Store | undefined,
  force: boolean | undefined,
): LlmBridge {
  const { config } = loadConfig({ file: globals.config });
  let roles: ReturnType<typeof resolveLlmRoles>;
  try {
    roles = resolveLlmRoles(config.llm, process.env);
  } catch (error) {
    if (error instanceof LlmConfigError) throw new UsageError(error.message);
    throw error;
  }
  // These commands ask about historical bars: a model asked about bars before its declared training cutoff may
  // remember what came next, so the guard refuses that unless --force-contaminated, and then labels the run.
  const cutoffs: Record<string, number> = {};
  for (const role of roles.values()) if (role.trainingCutoff !== undefined) cutoffs[role.model] = role.trainingCutoff;
  const inner = new ChatLlmBridge({
    roles,
    ...(db !== undefined
      ? {
          recorder: {
            record: async (exchange) => {
              const open = store();
              return open ? open.llm.insert(exchange) : 0;
            },
          },
          onRecordError: (error: unknown) =>
            process.stderr.write(`warning: an LLM exchange was not stored: ${(error as Error).message}\n`),
        }
      : {}),
  });
  return new ContaminationGuard(inner, { cutoffs, force: force === true });
}

/** The contamination label of a run through the guard, printed after its result (nothing when clean). */
function reportContamination(bridge: LlmBridge): void {
  if (!(bridge instanceof ContaminationGuard)) return;
  const label = bridge.ledger.label();
  if (label) process.stderr.write(`${label.text}\n`);
  if (bridge.ledger.refused > 0)
    process.stderr.write(
      `${bridge.ledger.refused} question(s) refused: the bars are before the model's training cutoff (or it declares none); --force-contaminated asks anyway and labels the result\n`,
    );
}

function requireRole(bridge: LlmBridge, role: LlmRole): void {
  if (!bridge.enabled(role))
    throw new UsageError(
      `the ${role} role is off: no language model is configured for it (configure a model for the ${role} role; \`aegis llm status\` shows every role)`,
    );
}

async function loadSeries(file: string | undefined): Promise<CandleSeries> {
  if (!file) throw new UsageError("--data is required: a CSV, CSV.gz or Parquet file of one symbol's bars");
  const warnings: string[] = [];
  const [series] = await loadDataFiles({ files: [file], symbols: [], policy: "reject" }, warnings);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (!series || series.length === 0) throw new UsageError(`--data ${file}: no bars`);
  return series;
}

async function openDb(url: string | undefined): Promise<Store | undefined> {
  if (url === undefined) return undefined;
  return openStore(url).catch((error: Error) => {
    throw new UsageError(`--db ${url}: ${error.message}`);
  });
}

export interface LlmAuditOptions {
  data?: string;
  riskLevel?: string;
  sentiment?: string;
  whale?: boolean;
  db?: string;
  live?: string;
  json?: boolean;
  forceContaminated?: boolean;
}

/** `aegis llm audit`: exit 0 with the audit, 1 when the model gave no usable answer, 2 when the role is off. */
export async function llmAuditCommand(options: LlmAuditOptions, globals: Globals, deps: LlmResearchDeps = {}) {
  let store: Store | undefined;
  const bridge = deps.bridge ?? configuredBridge(globals, options.db, () => store, options.forceContaminated);
  requireRole(bridge, "auditor");
  if (options.riskLevel !== undefined && options.riskLevel !== "normal" && options.riskLevel !== "high")
    throw new UsageError(`--risk-level ${options.riskLevel}: expected normal or high`);
  const sentiment = numberOption("sentiment", options.sentiment, (s) =>
    s >= -1 && s <= 1 ? undefined : "must be in [-1, 1]",
  );
  if (options.live !== undefined && options.db === undefined)
    throw new UsageError("--live needs --db: the live strategy's trades are read from the store");
  const series = await loadSeries(options.data);
  store = await openDb(options.db);
  try {
    const live =
      store && options.live ? await recentRecord(store.trades, options.live, (deps.clock ?? Date.now)()) : undefined;
    const context: AuditContext = {
      series,
      ...(options.riskLevel ? { globalRiskLevel: options.riskLevel as "normal" | "high" } : {}),
      ...(sentiment !== undefined ? { sentiment } : {}),
      ...(options.whale ? { whaleRisk: true } : {}),
      ...(live ? { live } : {}),
    };
    const outcome = await runAudit(bridge, context, { log: (line) => process.stderr.write(`${line}\n`) });
    reportContamination(bridge);
    if (!outcome.ok) {
      process.exitCode = 1;
      return outcome;
    }
    const a = outcome.audit;
    if (options.json) process.stdout.write(`${JSON.stringify(a)}\n`);
    else {
      const lines = [
        `audit of ${series.symbol} at ${new Date(a.asOf).toISOString()} (${a.model})`,
        `signal ${a.signal}, confidence ${a.confidence.toFixed(2)}`,
        `analysis: ${a.analysis}`,
        a.suggestion
          ? `evolution suggestion: ${a.suggestion.reason} → ${a.suggestion.proposedChange}`
          : "no evolution suggestion",
        ...a.notes.map((n) => `note: ${n}`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return outcome;
  } finally {
    await store?.close();
  }
}

export interface LlmGateOptions {
  data?: string;
  cut?: string;
  holdout: string;
  cash: string;
  fee: string;
  db?: string;
  blacklist?: string;
  json?: boolean;
  forceContaminated?: boolean;
}

/** Data, windows, blacklist, store and lifecycle of one run; `close` saves the blacklist and closes the store. */
async function prepareRun(
  options: LlmGateOptions,
  globals: Globals,
  clock: () => number,
  setStore: (store: Store | undefined) => void,
) {
  const holdoutShare = numberOption("holdout", options.holdout, (f) =>
    f > 0 && f < 0.9 ? undefined : "must be a fraction in (0, 0.9)",
  ) as number;
  const cash = numberOption("cash", options.cash, positive) as number;
  const fee = numberOption("fee", options.fee, (f) =>
    f >= 0 && f < 0.1 ? undefined : "must be a fraction in [0, 0.1)",
  );
  const cut = timeOption("cut", options.cut);
  const series = await loadSeries(options.data);
  let windows: ReturnType<typeof splitWindows>;
  try {
    windows = splitWindows(series, { holdoutShare, ...(cut !== undefined ? { cut } : {}) });
  } catch (error) {
    throw new UsageError(`--data ${options.data}: ${(error as Error).message}`);
  }
  let blacklist: Blacklist;
  try {
    blacklist = options.blacklist ? Blacklist.load(options.blacklist) : new Blacklist();
  } catch (error) {
    throw new UsageError(`--blacklist ${(error as Error).message}`);
  }
  const redTeam = new RedTeam(windows, { cash, fee: fee as number, blacklist, clock });
  const store = await openDb(options.db);
  setStore(store);
  let lifecycle: ReturnType<typeof storeLifecycleEntry> | undefined;
  let latches: Awaited<ReturnType<typeof openRiskState>> | undefined;
  if (store) {
    const { config } = loadConfig({ file: globals.config });
    latches = await openRiskState(store);
    const rules = new StrategyLifecycle(
      store.strategies,
      createStabilityLock(config.risk.stabilityLock, latches),
      clock,
    );
    lifecycle = storeLifecycleEntry(store.strategies, rules);
  }
  return {
    redTeam,
    ...(lifecycle ? { lifecycle } : {}),
    ...(store ? { sink: { save: (t: DebateTranscript) => store.debates.insert(t) } } : {}),
    async close() {
      if (options.blacklist) blacklist.save(options.blacklist);
      await latches?.close();
      await store?.close();
    },
  };
}

function print(transcripts: readonly DebateTranscript[], json: boolean | undefined): void {
  if (json) process.stdout.write(`${JSON.stringify(transcripts)}\n`);
  else process.stdout.write(transcripts.map(formatTranscript).join("\n"));
}

export interface LlmArchitectOptions extends LlmGateOptions, LlmAuditOptions {
  reason?: string;
  change?: string;
  rounds: string;
}

/** `aegis llm architect`: one debate; exit 0 when it ran (whether or not a spec survived), 2 on bad input or role off. */
export async function llmArchitectCommand(
  options: LlmArchitectOptions,
  globals: Globals,
  deps: LlmResearchDeps = {},
): Promise<DebateTranscript | undefined> {
  let store: Store | undefined;
  const bridge = deps.bridge ?? configuredBridge(globals, options.db, () => store, options.forceContaminated);
  const clock = deps.clock ?? Date.now;
  requireRole(bridge, "architect");
  const rounds = numberOption("rounds", options.rounds, positiveInteger) as number;
  if (rounds > 20) throw new UsageError(`--rounds ${rounds}: at most 20`);
  if ((options.reason === undefined) !== (options.change === undefined))
    throw new UsageError("--reason and --change go together (or neither: the auditor is asked for a suggestion)");
  const given: EvolutionSuggestion | undefined =
    options.reason !== undefined && options.change !== undefined
      ? { reason: options.reason, proposedChange: options.change }
      : undefined;
  if (!given) requireRole(bridge, "auditor");
  const run = await prepareRun(options, globals, clock, (opened) => {
    store = opened;
  });
  try {
    let suggestion = given;
    if (!suggestion) {
      // The auditor sees the same bars the debate will (up to --cut), the last 100 of them.
      const audit = await runAudit(
        bridge,
        { series: run.redTeam.windows.series },
        {
          log: (line) => process.stderr.write(`${line}\n`),
        },
      );
      if (!audit.ok) {
        reportContamination(bridge);
        process.stderr.write("no suggestion to debate (give --reason and --change to debate one of yours)\n");
        process.exitCode = 1;
        return undefined;
      }
      if (!audit.audit.suggestion) {
        process.stdout.write(
          `the auditor is confident (${audit.audit.confidence.toFixed(2)}, signal ${audit.audit.signal}): no evolution suggested, no debate\n`,
        );
        return undefined;
      }
      suggestion = audit.audit.suggestion;
    }
    const transcript = await runDebate({ bridge, suggestion, rounds, clock, ...run });
    print([transcript], options.json);
    reportContamination(bridge);
    return transcript;
  } finally {
    await run.close();
  }
}

export interface LlmHypothesizeOptions extends LlmGateOptions {
  ideas: string;
  atrPeriod: string;
  /** Rounds per idea (revisions with the gates' numbers); default 3 on the command line. */
  rounds?: string;
}

/** `aegis llm hypothesize`: ideas → gates; exit 0 when it ran, 1 when the model gave no usable ideas, 2 on bad input. */
export async function llmHypothesizeCommand(
  options: LlmHypothesizeOptions,
  globals: Globals,
  deps: LlmResearchDeps = {},
): Promise<DebateTranscript[]> {
  let store: Store | undefined;
  const bridge = deps.bridge ?? configuredBridge(globals, options.db, () => store, options.forceContaminated);
  requireRole(bridge, "hypothesis");
  const count = numberOption("ideas", options.ideas, (n) =>
    Number.isInteger(n) && n >= 1 && n <= 10 ? undefined : "must be a whole number from 1 to 10",
  ) as number;
  const atrPeriod = numberOption("atr-period", options.atrPeriod, positiveInteger) as number;
  const rounds = numberOption("rounds", options.rounds ?? "1", positiveInteger) as number;
  if (rounds > 20) throw new UsageError(`--rounds ${rounds}: at most 20`);
  const clock = deps.clock ?? Date.now;
  const run = await prepareRun(options, globals, clock, (opened) => {
    store = opened;
  });
  try {
    const result = await runHypotheses({ bridge, count, atrPeriod, rounds, clock, ...run });
    reportContamination(bridge);
    if (result.failure) {
      process.stderr.write(`${result.failure}\n`);
      process.exitCode = 1;
      return [];
    }
    if (!options.json)
      process.stdout.write(
        `ATR(${result.volatility.period}) at ${new Date(result.volatility.asOf).toISOString()}: ${(result.volatility.atrPct * 100).toFixed(3)} % of price\n`,
      );
    print(result.transcripts, options.json);
    return [...result.transcripts];
  } finally {
    await run.close();
  }
}
