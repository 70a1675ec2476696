import type { AttachedExits } from "../../domain/order.js";
import type { PositionManager } from "../../risk/position/types.js";
import type { Strategy } from "../../strategy/strategy.js";

/** Where the stress test found a stop-loss: what the strategy declares and what the runs actually attached. */
export interface StopEvidence {
  /** Stops the strategy's spec declares with a non-zero value, e.g. "stopLossPct 3". */
  readonly declared: readonly string[];
  /** Stops seen during the runs: "strategy exits (stopLossPct)", "position management set-stop". */
  readonly observed: readonly string[];
}

const SPEC_STOP_KEYS = ["stopLossPct", "stopLossAtr", "trailingStopPct", "trailingStopAtr"] as const;
const SIGNAL_STOP_KEYS = ["stopLossPct", "stopLossDistance", "trailingPct", "trailingDistance"] as const;

/**
 * The stops a strategy spec declares (`exits.stopLossPct: $stopLoss` with stopLoss = 3 → "stopLossPct 3"). A
 * strategy written in TypeScript declares nothing; its stops are only seen when it runs ({@link StopObserver}).
 */
export function declaredStops(strategy: Strategy): string[] {
  const spec = (strategy as { spec?: { exits?: Record<string, number | string | undefined> } }).spec;
  const exits = spec?.exits;
  if (!exits) return [];
  const out: string[] = [];
  for (const key of SPEC_STOP_KEYS) {
    const raw = exits[key];
    const value = typeof raw === "string" ? strategy.parameters[raw.slice(1)] : raw;
    if (value !== undefined && value > 0) out.push(`${key} ${value}`);
  }
  return out;
}

/**
 * Watches a strategy and a position manager while they run and notes every stop they ask for: an entry signal
 * whose attached exits carry a stop-loss or trailing stop, and a `set-stop` action of position management.
 * The wrappers change nothing they pass on.
 */
export class StopObserver {
  readonly #seen = new Set<string>();

  get observed(): string[] {
    return [...this.#seen];
  }

  strategy(strategy: Strategy): Strategy {
    const seen = this.#seen;
    // Keep the extra fields the engine reads (sizing, allowShort) by copying every own property.
    const wrapped: Strategy = {
      ...(strategy as unknown as Record<string, unknown>),
      name: strategy.name,
      parameters: strategy.parameters,
      init(setup) {
        const onBar = strategy.init(setup);
        return (context) => {
          const signal = onBar(context);
          if (signal?.exits) noteExits(signal.exits, seen);
          return signal;
        };
      },
    };
    return wrapped;
  }

  positionManager(manager: PositionManager): PositionManager {
    const seen = this.#seen;
    const note = <T extends readonly { kind: string }[]>(actions: T): T => {
      if (actions.some((a) => a.kind === "set-stop")) seen.add("position management set-stop");
      return actions;
    };
    return {
      onOpen: (view) => note(manager.onOpen(view)),
      onBar: (view) => note(manager.onBar(view)),
      onClose: (symbol) => manager.onClose(symbol),
    };
  }
}

function noteExits(exits: AttachedExits, seen: Set<string>): void {
  for (const key of SIGNAL_STOP_KEYS) {
    const value = exits[key];
    if (value !== undefined && value > 0) seen.add(`strategy exits (${key})`);
  }
}
