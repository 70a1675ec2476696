import type { FeedMonitor } from "../../data/feed/feed-monitor.js";
import type { Candle } from "../../domain/candles.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import type { CounterOrderIds } from "../../execution/order-manager.js";
import type { Portfolio } from "../../execution/portfolio.js";
import { SimulatedBroker } from "../../execution/simulated-broker.js";
import { ClientVenue } from "../../execution/venue/client-venue.js";
import type { FeedHealth } from "../../risk/limits/feed-health.js";
import { Engine, type EngineParts } from "../engine.js";
import type { EventBus } from "../events.js";
import type { LiveRunner } from "../live-runner.js";
import type { TradingSessionOptions } from "./session-options.js";
import type { StepJournal } from "./step-commit.js";

/** What the session lends the engine it builds: ids, the journal, its gates and its incident handling. */
export interface SessionEngineHooks {
  readonly ids: CounterOrderIds;
  readonly exitIds: CounterOrderIds;
  readonly journal: StepJournal;
  readonly bus: EventBus;
  readonly feedHealth: FeedHealth;
  readonly entryGate: NonNullable<EngineParts["entryGate"]>;
  /** The real venue (testnet, live), once the engine has made it. */
  readonly onClientVenue: (venue: ClientVenue) => void;
  readonly onBooked: () => void;
  readonly onIncident: (type: string, detail: Record<string, unknown>, alert: boolean) => void;
}

/**
 * The backtester's engine, set up for a session: paper fills on the simulated venue, testnet and live through the
 * venue client; client order ids from the session's persisted counters.
 */
export function buildSessionEngine(o: TradingSessionOptions, portfolio: Portfolio, hooks: SessionEngineHooks): Engine {
  return new Engine({
    portfolio,
    createBroker: (listener) => {
      if (!o.venueClient)
        return new SimulatedBroker(portfolio, listener, { ...o.simulated, exitOrderId: () => hooks.exitIds.next() });
      const venue = new ClientVenue({
        client: o.venueClient,
        listener,
        clock: o.clock,
        account: portfolio,
        exitOrderId: () => hooks.exitIds.next(),
        ...(o.contracts ? { contracts: true } : {}),
        onBooked: hooks.onBooked,
        onIncident: hooks.onIncident,
      });
      hooks.onClientVenue(venue);
      return venue;
    },
    orderIds: { next: () => hooks.ids.next() },
    journal: hooks.journal,
    bus: hooks.bus,
    ...(o.buildShield ? { shield: o.buildShield(hooks.feedHealth) } : {}),
    entryGate: hooks.entryGate,
    ...(o.positionManager ? { positionManager: o.positionManager } : {}),
    ...(o.regimeColumn ? { regimeColumn: o.regimeColumn } : {}),
    ...(o.combiner ? { combiner: o.combiner } : {}),
    ...(o.learning ? { learners: o.learning.learners } : {}),
    runId: o.session,
  });
}

/** Recent closed bars per symbol to warm the indicators on; only bars closed by `now`, never the forming one. */
export async function loadWarmup(o: TradingSessionOptions, now: number): Promise<Map<string, Candle[]>> {
  const barMs = TIMEFRAMES[o.timeframe];
  const warmup = o.warmupBars ?? 500;
  const histories = new Map<string, Candle[]>();
  for (const slot of o.slots) {
    const bars = await o.feed.history(slot.symbol, now - (warmup + 1) * barMs, warmup + 1);
    histories.set(
      slot.symbol,
      // Closed by the market's own close (a daily stock bar closes at the session end, not at midnight): a bar that
      // closed before a restart is warm-up, never traded as the first live bar.
      bars.filter((b) => (o.feed.barClose?.(slot.symbol, b.time) ?? b.time + barMs) <= now),
    );
  }
  return histories;
}

/** Adds a slot per symbol of the session to `runner` and warms it (and the feed monitor) on its recent history. */
export function addWarmSlots(
  runner: LiveRunner,
  o: TradingSessionOptions,
  histories: ReadonlyMap<string, Candle[]>,
  monitor: FeedMonitor,
  now: number,
): void {
  for (const slot of o.slots) {
    runner.addSlot({
      symbol: slot.symbol,
      timeframe: o.timeframe,
      strategy: slot.strategy,
      instrument: slot.instrument,
      ...(slot.size ? { size: slot.size } : {}),
      ...(slot.leverage !== undefined ? { leverage: slot.leverage } : {}),
      ...(slot.allowShort !== undefined ? { allowShort: slot.allowShort } : {}),
      ...(slot.sources ? { sources: slot.sources } : {}),
    });
    for (const bar of histories.get(slot.symbol) ?? []) {
      runner.warm(slot.symbol, bar);
      monitor.onClosedBar(slot.symbol, bar, now);
    }
  }
}
