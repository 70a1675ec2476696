import { LifecycleFollower, type StrategySwap } from "../engine/lifecycle/lifecycle-follower.js";
import { LiveStrategyError, loadLiveStrategy } from "../engine/lifecycle/live-strategy.js";
import type { TradingSession } from "../engine/trading/trading-session.js";
import type { Store } from "../store/store.js";
import type { Strategy } from "../strategy/strategy.js";
import { UsageError } from "./usage-error.js";

/** `--strategy lifecycle`: the slot runs whatever strategy the store's lifecycle has live. */
export const LIFECYCLE_STRATEGY = "lifecycle";

/** Where the store keeps the stored id a session runs (a restart compares it with the lifecycle's). */
export function runningStrategyKey(session: string): string {
  return `lifecycle:running:${session}`;
}

/** What a lifecycle slot runs while the lifecycle has nothing live: no signal (entries are paused too). */
const NOTHING_LIVE: Strategy = {
  name: "lifecycle:none",
  parameters: {},
  init: () => () => undefined,
};

/**
 * The lifecycle's live strategy to start with. Nothing live is a usage error on a first start; on a restart (the
 * session has saved state) the session resumes with no strategy and entries paused, so that a supervisor's restart
 * after a rollback to flat neither fails in a loop nor trades.
 */
export async function startingLifecycleStrategy(
  store: Store,
  resuming: boolean,
): Promise<{ strategy: Strategy; running: string | null }> {
  let live: Awaited<ReturnType<typeof loadLiveStrategy>>;
  try {
    live = await loadLiveStrategy(store.strategies);
  } catch (error) {
    if (error instanceof LiveStrategyError) throw new UsageError(`--strategy lifecycle: ${error.message}`);
    throw error;
  }
  if (live) return { strategy: live.strategy, running: live.id };
  if (!resuming)
    throw new UsageError(
      `--strategy lifecycle: no strategy is live or live-small in ${store.location}; approve one first (aegis strategies approve ID --by NAME --reason TEXT)`,
    );
  return { strategy: NOTHING_LIVE, running: null };
}

export interface TradeLifecycleParts {
  readonly session: TradingSession;
  readonly store: Store;
  readonly sessionName: string;
  /** The symbols whose slot trades the lifecycle. */
  readonly symbols: readonly string[];
  /** The stored id the session starts with (null: nothing live). */
  readonly running: string | null;
  readonly now: () => number;
  readonly log: { info(o: object, m: string): void; error(o: object, m: string): void };
}

/**
 * Wires a session to the lifecycle: `check` (after every committed step, and after an automatic rollback) swaps
 * the slots to the live strategy when it changed; `started` (once the session has started) records a change made
 * while the session was down and pauses entries when nothing is live. Each swap is an audit event
 * (`strategy.swapped`, with from, to, reason and time), a session event (`STRATEGY_SWAPPED`) and an alert.
 */
export function attachTradeLifecycle(parts: TradeLifecycleParts): {
  check: () => Promise<void>;
  started: () => Promise<void>;
  follower: LifecycleFollower;
} {
  const { session, store, log } = parts;
  const key = runningStrategyKey(parts.sessionName);
  const record = async (swap: StrategySwap, note?: string) => {
    await store.events.append({
      time: swap.time,
      kind: "strategy.swapped",
      source: "trade",
      detail: { session: parts.sessionName, ...swap, ...(note ? { note } : {}) },
    });
    await store.latches.set(key, swap.to ?? "", swap.time);
    log.info({ swap }, "strategy swapped");
  };
  const alert = (message: string) =>
    session.bus.publish("ALERT", { time: parts.now(), level: "critical", message, kind: "strategy-swap" });
  const follower = new LifecycleFollower({
    records: store.strategies,
    session,
    symbols: parts.symbols,
    running: parts.running,
    now: parts.now,
    onSwap: async (swap) => {
      await record(swap);
      if (swap.to === null) alert(`${swap.from} left the lifecycle and nothing is live: new entries paused`);
    },
    alert,
  });
  return {
    follower,
    check: () =>
      follower.check().then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, "the lifecycle's live strategy was not swapped in"),
      ),
    started: async () => {
      const before = await store.latches.get(key);
      const now = parts.running ?? "";
      if (before !== undefined && before !== now) {
        const swap: StrategySwap = {
          time: parts.now(),
          from: before === "" ? null : before,
          to: parts.running,
          reason: "the lifecycle changed while the session was down",
          symbols: parts.symbols,
        };
        await record(swap, "resumed with the lifecycle's live strategy");
        alert(`resumed with ${parts.running ?? "no strategy"} instead of ${before || "no strategy"}: ${swap.reason}`);
      } else if (before === undefined) await store.latches.set(key, now, parts.now());
      if (parts.running === null)
        session.pause("lifecycle", "nothing is live in the lifecycle; approve a strategy to trade");
    },
  };
}
