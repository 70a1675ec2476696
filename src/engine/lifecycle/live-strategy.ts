import type { StrategyStatus, StrategyTransition } from "../../domain/strategy-status.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import type { Strategy } from "../../strategy/strategy.js";

/** A stored strategy with its spec (the store's StrategiesRepository gives these). */
export interface StoredStrategy {
  readonly id: string;
  readonly name: string;
  readonly status: StrategyStatus;
  readonly spec: unknown;
}

/** What reading the lifecycle's live strategy needs of the store. */
export interface LiveStrategyRecords {
  list(status?: StrategyStatus): Promise<StoredStrategy[]>;
  transitions(id: string): Promise<StrategyTransition[]>;
}

/** The strategy the lifecycle has on money now, runnable. */
export interface LiveStrategy {
  readonly id: string;
  readonly status: "live" | "live-small";
  readonly strategy: Strategy;
}

export class LiveStrategyError extends Error {
  override readonly name = "LiveStrategyError";
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The lifecycle's live strategy: the one in status "live", else the one in "live-small" (the same choice the
 * rollback makes), compiled from its stored spec. The strategy is named by its stored id, so that decisions,
 * trades and the status line say which version ran. Undefined when nothing is live; a spec that does not compile
 * is a LiveStrategyError naming the strategy.
 */
export async function loadLiveStrategy(records: LiveStrategyRecords): Promise<LiveStrategy | undefined> {
  const record = (await records.list("live"))[0] ?? (await records.list("live-small"))[0];
  if (!record) return undefined;
  let compiled: Strategy;
  try {
    compiled = compileSpec(validateSpec(record.spec, `stored strategy ${record.id}`));
  } catch (error) {
    throw new LiveStrategyError(
      record.id,
      `the lifecycle's live strategy ${record.id} cannot run: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    id: record.id,
    status: record.status as LiveStrategy["status"],
    strategy: renamed(compiled, record.id),
  };
}

/** `strategy` under another name (its id), everything else its own. */
function renamed(strategy: Strategy, name: string): Strategy {
  return {
    name,
    parameters: strategy.parameters,
    sizing: strategy.sizing,
    allowShort: strategy.allowShort,
    init: (setup) => strategy.init(setup),
  };
}

/** Why the live strategy is what it is: the last transition that put it there ("auto-rollback: rollback from …"). */
export async function whyLive(records: LiveStrategyRecords, id: string): Promise<string> {
  const last = (await records.transitions(id)).at(-1);
  return last ? `${last.by}: ${last.reason}` : "live in the lifecycle";
}
