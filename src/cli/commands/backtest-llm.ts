import { ContaminationGuard } from "../../ai/llm/contamination-guard.js";
import { advisorWeights, llmAdvisor } from "../../ai/llm/llm-advisor.js";
import type { LlmAnswer, LlmAsk, LlmBridge, LlmRole, LlmRoleStatus } from "../../ai/llm/llm-bridge.js";
import { type LlmConfig, LlmConfigError, type ResolvedLlmRole, resolveLlmRoles } from "../../ai/llm/llm-config.js";
import { type LlmReplayStore, ReplayCacheBridge } from "../../ai/llm/replay-cache.js";
import type { AsyncSignalSource } from "../../strategy/signal-source.js";
import { UsageError } from "../usage-error.js";

export interface BacktestLlmOptions {
  /** Ask the configured advisor endpoint on each proposed trade. */
  readonly llmAdvisor?: boolean;
  /** Replay the advisor's answers recorded in this store (a SQLite file or postgres:// URL); never ask a model. */
  readonly llmReplay?: string;
  readonly forceContaminated?: boolean;
}

/** What the run's outputs say about the advisor: how often it was asked and why it abstained. */
export interface BacktestLlmNote {
  readonly mode: "live" | "replay";
  readonly model: string;
  /** The declared training cutoff (YYYY-MM-DD), or "undeclared". */
  readonly trainingCutoff: string;
  readonly asked: number;
  readonly answered: number;
  /** Abstentions by reason (replay-miss, timeout, invalid …). */
  readonly abstained: Readonly<Record<string, number>>;
}

export interface BacktestContamination {
  readonly contaminated: true;
  readonly model: string;
  readonly trainingCutoff: string;
  readonly firstBar: string;
  /** Answers given about bars before the cutoff. */
  readonly answers: number;
  readonly text: string;
}

export interface BacktestLlm {
  readonly advisor: AsyncSignalSource;
  readonly weights: Readonly<Record<string, number>>;
  /** Set when the run was forced past the model's cutoff: every output carries it. */
  readonly contamination: () => BacktestContamination | undefined;
  readonly note: () => BacktestLlmNote;
  /** The console line of the advisor. */
  readonly line: () => string;
  close(): Promise<void>;
}

const DAY = 86_400_000;
const day = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * The LLM advisor of `aegis backtest` (`--llm-advisor` or `--llm-replay STORE`), behind the contamination guard: a
 * model asked about bars before its declared training cutoff may remember what came next, so such a run is refused
 * (exit 2, naming the cutoff and the first bar) unless `--force-contaminated`, and a forced run is labelled
 * contaminated everywhere. Replaying answers recorded in paper trading is the reproducible mode: a prompt that was
 * not recorded makes the advisor abstain, counted in the run's summary. Undefined when neither option is given.
 */
export async function prepareBacktestLlm(
  options: BacktestLlmOptions,
  llm: LlmConfig,
  firstBar: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BacktestLlm | undefined> {
  if (!options.llmAdvisor && options.llmReplay === undefined) {
    if (options.forceContaminated)
      throw new UsageError("--force-contaminated applies to --llm-advisor or --llm-replay, and neither is given");
    return undefined;
  }
  if (options.llmAdvisor && options.llmReplay !== undefined)
    throw new UsageError("--llm-advisor asks the model, --llm-replay replays recorded answers: give one of them");
  const flag = options.llmAdvisor ? "--llm-advisor" : "--llm-replay";
  const role = advisorRole(llm, env, flag);
  // The cutoff as configured is a day: the model may have read prices up to its end.
  const cutoffEnd = role.trainingCutoff === undefined ? undefined : role.trainingCutoff + DAY - 1;
  const cutoffText = role.trainingCutoff === undefined ? "undeclared" : day(role.trainingCutoff);
  const before = cutoffEnd === undefined || firstBar <= cutoffEnd;
  if (before && !options.forceContaminated) {
    throw new UsageError(
      cutoffEnd === undefined
        ? `${flag}: the advisor's model ${role.model} declares no training cutoff (llm.advisor.trainingCutoff), so bars from ${day(firstBar)} on cannot be shown to be after it; declare one, or --force-contaminated to run anyway with every result labelled contaminated`
        : `${flag}: the advisor's model ${role.model} has training cutoff ${cutoffText} and the first bar is ${day(firstBar)}, before it: the model may remember these prices. Use bars after ${cutoffText}, or --force-contaminated to run anyway with every result labelled contaminated`,
    );
  }
  let inner: LlmBridge;
  let close = async () => {};
  if (options.llmReplay !== undefined) {
    // Imported here, not at the top: the store pulls kysely, pg and better-sqlite3 and the bridge pulls openai
    // (~470 files, ~0.15 s of module loading), which a backtest without the advisor never needs.
    const { openStore } = await import("../../store/open-store.js");
    const store = await openStore(options.llmReplay, { mustExist: true }).catch((error: Error) => {
      throw new UsageError(`--llm-replay ${options.llmReplay}: ${error.message}`);
    });
    close = () => store.close();
    inner = replayBridge(store.llmReplay, role.model);
  } else {
    const { ChatLlmBridge } = await import("../../ai/llm/chat-llm-bridge.js");
    inner = new ChatLlmBridge({ roles: new Map([["advisor", role]]) });
  }
  // Forced with no declared cutoff: every bar counts as before it (the latest instant a Date can hold).
  const guard = new ContaminationGuard(inner, {
    cutoffs: { [role.model]: cutoffEnd ?? 8.64e15 },
    force: options.forceContaminated === true,
    modelOf: (r) => (r === "advisor" ? role.model : undefined),
  });
  const tally = new TallyBridge(guard);
  const advisor = llmAdvisor({ bridge: tally, deadlineMs: role.deadlineMs ?? role.timeoutMs + 1000 });
  const mode = options.llmReplay !== undefined ? "replay" : "live";
  const note = (): BacktestLlmNote => ({
    mode,
    model: role.model,
    trainingCutoff: cutoffText,
    asked: tally.asked,
    answered: tally.answered,
    abstained: { ...tally.failures },
  });
  const contamination = (): BacktestContamination | undefined => {
    if (!before) return undefined;
    const answers = guard.ledger.label()?.answers ?? 0;
    return {
      contaminated: true,
      model: role.model,
      trainingCutoff: cutoffText,
      firstBar: day(firstBar),
      answers,
      text: `CONTAMINATED: the advisor's model ${role.model} (training cutoff ${cutoffText}) was consulted on bars from ${day(firstBar)}, before its cutoff (${answers} answer(s) about such bars); it may remember these prices, so these results overstate what it can do (forced with --force-contaminated)`,
    };
  };
  return {
    advisor,
    weights: advisorWeights(advisor.id, role.weight ?? 0.1),
    contamination,
    note,
    line: () => {
      const n = note();
      const reasons = Object.entries(n.abstained).map(([reason, count]) => `${count} ${reason}`);
      const source = mode === "replay" ? `replayed from ${options.llmReplay}` : `asked at ${role.endpoint}`;
      return `llm      advisor ${n.model} (cutoff ${n.trainingCutoff}, ${source}): asked ${n.asked}, answered ${n.answered}${reasons.length > 0 ? `, abstained ${reasons.join(", ")}` : ""}`;
    },
    close,
  };
}

function advisorRole(llm: LlmConfig, env: NodeJS.ProcessEnv, flag: string): ResolvedLlmRole {
  let roles: Map<LlmRole, ResolvedLlmRole>;
  try {
    roles = resolveLlmRoles(llm, env);
  } catch (error) {
    if (error instanceof LlmConfigError) throw new UsageError(error.message);
    throw error;
  }
  const role = roles.get("advisor");
  if (!role)
    throw new UsageError(
      `${flag} needs the advisor's model: set llm.advisor.model in the config (or AI_MODEL); AI_TRADING_ENABLED=false turns it off`,
    );
  return role;
}

/** Replays the advisor's recorded answers; the model named in the config is part of each prompt's key. */
export function replayBridge(store: LlmReplayStore, model: string): ReplayCacheBridge {
  return new ReplayCacheBridge(undefined, {
    mode: "replay",
    store,
    modelOf: (role) => (role === "advisor" ? model : undefined),
  });
}

/** Counts questions, answers and failures by kind, for the run's summary. */
class TallyBridge implements LlmBridge {
  asked = 0;
  answered = 0;
  readonly failures: Record<string, number> = {};
  readonly #inner: LlmBridge;
  constructor(inner: LlmBridge) {
    this.#inner = inner;
  }
  enabled(role: LlmRole): boolean {
    return this.#inner.enabled(role);
  }
  status(): readonly LlmRoleStatus[] {
    return this.#inner.status();
  }
  async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
    this.asked++;
    const answer = await this.#inner.ask(request);
    if (answer.ok) this.answered++;
    else this.failures[answer.failure] = (this.failures[answer.failure] ?? 0) + 1;
    return answer;
  }
}
