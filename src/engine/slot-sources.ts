import type { AttachedExits } from "../domain/order.js";
import type { Vote } from "../domain/signal.js";
import {
  type AsyncSourceOnBar,
  isAsyncSource,
  type SignalSource,
  type SourceOnBar,
  type SourceSignal,
  strategySource,
} from "../strategy/signal-source.js";
import type { BarContext, Strategy, StrategySetup, StrategySignal } from "../strategy/strategy.js";

/** One initialised signal source of a slot. */
export interface SlotSource {
  readonly source: SignalSource;
  readonly onBar: SourceOnBar | AsyncSourceOnBar;
}

/** A timer the engine waits on for an async source; injected so tests need no real time. */
export type DeadlineTimer = (ms: number) => { readonly expired: Promise<void>; cancel(): void };

export const realDeadline: DeadlineTimer = (ms) => {
  let handle: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, ms);
  });
  return { expired, cancel: () => clearTimeout(handle) };
};

/** The votes of one bar, and the exits of the first primary signal that asked for some. */
export interface BarVotes {
  readonly votes: Vote[];
  /** True when some primary source voted for a trade: only then is there a decision to make. */
  readonly wantsTrade: boolean;
  readonly exits: ReadonlyMap<string, AttachedExits>;
}

export function initSources(sources: readonly SignalSource[], setup: StrategySetup): SlotSource[] {
  return sources.map((source) => ({ source, onBar: source.init(setup) }));
}

export function toVote(source: SignalSource, symbol: string, signal: SourceSignal | undefined, error?: string): Vote {
  if (error !== undefined || signal === undefined) {
    return {
      source: source.id,
      symbol,
      action: "hold",
      confidence: 0,
      reasons: [],
      role: source.role,
      abstained: error ?? "no signal",
    };
  }
  const confidence = signal.confidence ?? 1;
  if (!(confidence >= 0 && confidence <= 1)) {
    return toVote(source, symbol, undefined, `confidence ${confidence} is not in [0, 1]`);
  }
  return {
    source: source.id,
    symbol,
    action: signal.action,
    confidence,
    reasons: [signal.reason],
    role: source.role,
    ...(signal.veto ? { veto: true } : {}),
    ...(signal.scale !== undefined ? { scale: signal.scale } : {}),
    ...(signal.leverage !== undefined ? { leverage: signal.leverage } : {}),
  };
}

function describeError(error: unknown): string {
  return `threw: ${error instanceof Error ? error.message : String(error)}`;
}

/** Per-slot buffers for the answers of one bar, reused so that a bar without a decision allocates nothing. */
export interface SourceAnswers {
  readonly signals: (SourceSignal | undefined)[];
  readonly errors: (string | undefined)[];
}

export function answerBuffers(count: number): SourceAnswers {
  return { signals: new Array(count).fill(undefined), errors: new Array(count).fill(undefined) };
}

/**
 * Asks every synchronous source for its signal (one that throws abstains with the error as its reason). Votes are
 * built, and advisors asked, only when there is a decision to make: the strategy or another primary wants a trade.
 */
export function collectVotes(
  sources: readonly SlotSource[],
  context: BarContext,
  symbol: string,
  strategy: Strategy,
  signal: StrategySignal | undefined,
  answers: SourceAnswers,
): BarVotes | undefined {
  let wanted = signal !== undefined;
  // Primaries first: advisors (a model over a window, the LLM) are asked only when there is a decision to advise.
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k] as SlotSource;
    if (s.source.role !== "primary") continue;
    try {
      const answer = (s.onBar as SourceOnBar)(context);
      answers.signals[k] = answer;
      answers.errors[k] = undefined;
      if (answer !== undefined && s.source.role === "primary" && answer.action !== "hold" && !answer.veto)
        wanted = true;
    } catch (error) {
      answers.signals[k] = undefined;
      answers.errors[k] = describeError(error);
    }
  }
  if (!wanted) return undefined;
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k] as SlotSource;
    if (s.source.role === "primary") continue;
    try {
      answers.signals[k] = (s.onBar as SourceOnBar)(context);
      answers.errors[k] = undefined;
    } catch (error) {
      answers.signals[k] = undefined;
      answers.errors[k] = describeError(error);
    }
  }
  const bar = firstVotes(strategy, symbol, signal);
  for (let k = 0; k < sources.length; k++) {
    const source = (sources[k] as SlotSource).source;
    const answer = answers.signals[k];
    add(bar, source, toVote(source, symbol, answer, answers.errors[k]), answer);
  }
  return bar;
}

/**
 * Asks every source, waiting for the asynchronous ones up to their deadlines (all in parallel). The synchronous
 * sources answer first, so each asynchronous one sees their votes (an advisor judges the proposed trade). A source
 * that throws, rejects or is late abstains; the late one is told to stop through its abort signal.
 */
export async function collectVotesAsync(
  sources: readonly SlotSource[],
  context: BarContext,
  symbol: string,
  into: BarVotes,
  deadline: DeadlineTimer,
): Promise<BarVotes> {
  type Answer = { vote: Vote; signal: SourceSignal | undefined };
  const syncAnswers = sources.map((s): Answer | undefined => {
    if (isAsyncSource(s.source)) return undefined;
    try {
      const signal = (s.onBar as SourceOnBar)(context);
      return { vote: toVote(s.source, symbol, signal), signal };
    } catch (error) {
      return { vote: toVote(s.source, symbol, undefined, describeError(error)), signal: undefined };
    }
  });
  const seen: readonly Vote[] = [...into.votes, ...syncAnswers.flatMap((a) => (a ? [a.vote] : []))];
  const answers = sources.map(async (s, k): Promise<Answer> => {
    const ready = syncAnswers[k];
    if (ready !== undefined || !isAsyncSource(s.source)) return ready as Answer;
    const ms = s.source.deadlineMs;
    const abort = new AbortController();
    const timer = deadline(ms);
    const late = Symbol("late");
    try {
      const answer = await Promise.race([
        (s.onBar as AsyncSourceOnBar)(context, abort.signal, seen),
        timer.expired.then(() => late),
      ]);
      if (answer === late) {
        abort.abort();
        return { vote: toVote(s.source, symbol, undefined, `missed its deadline of ${ms} ms`), signal: undefined };
      }
      const signal = answer as SourceSignal | undefined;
      return { vote: toVote(s.source, symbol, signal), signal };
    } catch (error) {
      return { vote: toVote(s.source, symbol, undefined, describeError(error)), signal: undefined };
    } finally {
      timer.cancel();
    }
  });
  const settled = await Promise.all(answers);
  for (let k = 0; k < settled.length; k++) {
    const { vote, signal } = settled[k] as (typeof settled)[number];
    add(into, (sources[k] as SlotSource).source, vote, signal);
  }
  return into;
}

function add(into: BarVotes, source: SignalSource, vote: Vote, signal: SourceSignal | undefined): void {
  into.votes.push(vote);
  if (vote.abstained !== undefined || source.role !== "primary") return;
  if (vote.action !== "hold" && !vote.veto) (into as { wantsTrade: boolean }).wantsTrade = true;
  if (signal?.exits) (into.exits as Map<string, AttachedExits>).set(source.id, signal.exits);
}

/** The vote of a slot's strategy on the fast path (no other source): the shape votes always had. */
export function strategyVote(name: string, symbol: string, signal: StrategySignal): Vote {
  return {
    source: name,
    symbol,
    action: signal.action,
    confidence: signal.confidence ?? 1,
    reasons: [signal.reason],
    leverage: signal.leverage,
  };
}

/** The strategy's vote (an abstention when it has no signal) as the first of a slot with several sources. */
export function firstVotes(strategy: Strategy, symbol: string, signal: StrategySignal | undefined): BarVotes {
  const bar: BarVotes = { votes: [], wantsTrade: false, exits: new Map() };
  add(bar, strategySource(strategy), toVote(strategySource(strategy), symbol, signal), signal);
  return bar;
}
