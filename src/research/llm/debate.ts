import type { LlmBridge } from "../../ai/llm/llm-bridge.js";
import {
  architectAnswerSchema,
  architectFirstPrompt,
  architectRevisionPrompt,
  architectSystem,
  critiqueOf,
} from "./architect-prompts.js";
import type { EvolutionSuggestion } from "./auditor.js";
import type { DebateRound, DebateTranscript } from "./debate-types.js";
import { timeAt } from "./gate-windows.js";
import type { LifecycleEntry } from "./lifecycle-entry.js";
import type { Judgement, RedTeam } from "./red-team.js";

export const DEFAULT_DEBATE_ROUNDS = 3;

/** Where transcripts go (the store's debates repository is one). */
export interface DebateSink {
  save(transcript: DebateTranscript): Promise<number>;
}

export interface DebateOptions {
  readonly bridge: LlmBridge;
  readonly redTeam: RedTeam;
  readonly suggestion: EvolutionSuggestion;
  /** Rounds before the debate fails (AlphaWEEX's protocol; default 3). */
  readonly rounds?: number;
  readonly lifecycle?: LifecycleEntry;
  readonly sink?: DebateSink;
  readonly clock: () => number;
}

/**
 * The debate protocol: the architect proposes a spec, the red team judges it with the gates and rejects it with
 * their numbers, the architect revises, up to `rounds` rounds. A spec that clears every gate enters the lifecycle;
 * every failed spec is blacklisted by the red team. A spec that cleared selection but failed the holdout ends the
 * debate: revising against holdout numbers would turn the holdout into a selection set.
 */
export async function runDebate(options: DebateOptions): Promise<DebateTranscript> {
  const maxRounds = options.rounds ?? DEFAULT_DEBATE_ROUNDS;
  if (!(Number.isInteger(maxRounds) && maxRounds >= 1 && maxRounds <= 20))
    throw new RangeError(`debate rounds must be a whole number from 1 to 20, got ${maxRounds}`);
  const { redTeam } = options;
  const startedAt = options.clock();
  const asOf = timeAt(redTeam.windows, redTeam.windows.holdoutEnd - 1);
  const rounds: DebateRound[] = [];
  const blacklisted: string[] = [];
  let stoppedBecause = `no spec passed in ${maxRounds} rounds`;
  let survivor: DebateTranscript["survivor"];
  for (let r = 1; r <= maxRounds; r++) {
    const previous = rounds.at(-1);
    const answer = await options.bridge.ask({
      role: "architect",
      system: architectSystem(),
      user: previous ? architectRevisionPrompt(options.suggestion, previous) : architectFirstPrompt(options.suggestion),
      schema: architectAnswerSchema,
      schemaName: "strategy_proposal",
      asOf,
    });
    let round: DebateRound;
    if (!answer.ok) {
      round = {
        round: r,
        proposer: "architect",
        failure: answer.failure,
        stage: "no-answer",
        verdict: "rejected",
        reasons: [`no usable answer (${answer.failure}): ${answer.detail}`],
      };
      if (answer.failure === "off") {
        rounds.push(round);
        stoppedBecause = "the architect role is off (no model configured)";
        break;
      }
    } else {
      const judgement = redTeam.judge(answer.value.spec, `architect round ${r} spec`);
      round = roundOf(r, "architect", judgement, answer.value.rationale);
      if ("hash" in judgement && judgement.stage !== "blacklisted" && !judgement.passed)
        blacklisted.push(judgement.hash);
      if (judgement.passed && judgement.stage === "holdout") {
        rounds.push(round);
        survivor = await enter(options.lifecycle, judgement, "architect");
        stoppedBecause = `round ${r} passed every gate`;
        break;
      }
      if (judgement.stage === "holdout") {
        rounds.push(round);
        stoppedBecause = `round ${r} cleared selection but failed the holdout gates (the holdout is used once)`;
        break;
      }
    }
    rounds.push(r < maxRounds ? { ...round, critique: critiqueOf(round) } : round);
  }
  const transcript: DebateTranscript = {
    kind: "architect",
    symbol: redTeam.windows.series.symbol,
    startedAt,
    finishedAt: options.clock(),
    suggestion: options.suggestion,
    maxRounds,
    rounds,
    outcome: survivor ? "approved" : "failed",
    stoppedBecause,
    ...(survivor ? { survivor } : {}),
    blacklisted,
    windows: windowTimes(redTeam),
    fee: redTeam.fee,
    trials: redTeam.trials,
  };
  await options.sink?.save(transcript);
  return transcript;
}

/** The stored form of one judged proposal. */
export function roundOf(
  round: number,
  proposer: DebateRound["proposer"],
  judgement: Judgement,
  rationale?: string,
): DebateRound {
  return {
    round,
    proposer,
    ...(rationale !== undefined ? { rationale } : {}),
    ...("spec" in judgement ? { spec: judgement.spec } : {}),
    ...("hash" in judgement ? { specHash: judgement.hash } : {}),
    stage: judgement.stage,
    verdict: judgement.passed ? "approved" : "rejected",
    reasons: judgement.passed ? ["every gate passed"] : judgement.reasons,
    ...("selection" in judgement ? { selection: judgement.selection } : {}),
    ...("holdout" in judgement ? { holdout: judgement.holdout } : {}),
  };
}

export async function enter(
  lifecycle: LifecycleEntry | undefined,
  judgement: Extract<Judgement, { stage: "holdout" }>,
  proposer: DebateRound["proposer"],
): Promise<DebateTranscript["survivor"]> {
  if (!lifecycle) return { id: judgement.hash, name: judgement.spec.name, status: "not stored (no --db)" };
  const entered = await lifecycle.enter({
    spec: judgement.spec,
    hash: judgement.hash,
    proposer,
    selection: judgement.selection,
    holdout: judgement.holdout,
  });
  return { id: entered.id, name: judgement.spec.name, status: entered.status };
}

export function windowTimes(redTeam: RedTeam): DebateTranscript["windows"] {
  const w = redTeam.windows;
  return {
    search: [timeAt(w, 0), timeAt(w, w.searchEnd - 1)],
    holdout: [timeAt(w, w.searchEnd), timeAt(w, w.holdoutEnd - 1)],
  };
}
