/**
 * Test rig for sessions that trade through the local exchange with real CCXT: one simulated exchange on a manual
 * clock that outlives the trading "processes", and a way to start a process (a new venue client, clock, feed and
 * session on the same store) and to kill it at a chosen moment. The feed replays the exchange's own minute bars, so
 * decisions and fills see the same market. Nothing sleeps: time moves only through `advance`.
 */
import { ManualClock } from "../../../domain/clock.js";
import { defaultInstrument } from "../../../domain/instrument.js";
import { MarketTape } from "../../../execution/sim-exchange/market-tape.js";
import { type SimExchange, startSimExchange } from "../../../execution/sim-exchange/sim-exchange.js";
import type { CcxtVenueClient } from "../../../execution/venue/ccxt-venue-client.js";
import { createVenueClient } from "../../../execution/venue/create-venue-client.js";
import type { Strategy, StrategySignal } from "../../../strategy/strategy.js";
import { MemorySessionStore, type SessionState, type SessionStore, type StepRecord } from "../session-store.js";
import { TradingSession, type TradingSessionOptions } from "../trading-session.js";
import { ReplayFeed } from "./replay-feed.js";

export const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);
const HISTORY = 200;

/** A strategy that does what it is told at given bar open times (minutes after the rig's start). */
export function scripted(script: Readonly<Record<number, StrategySignal>>, start: number): Strategy {
  return {
    name: "scripted",
    parameters: {},
    allowShort: true,
    init: () => (context) => script[(context.time - start) / MINUTE],
  };
}

/**
 * A store that a test can "kill": after `cut()`, or after the first committed step with orders when
 * `cutAfterOrders` is set, nothing more is written and commits never finish, as if the process had died there.
 */
export class CrashableStore implements SessionStore {
  readonly inner: MemorySessionStore;
  cutAfterOrders = false;
  #cut = false;
  #die: () => void = () => {};
  /** Resolves when the "process" died: waiting for its commits would wait forever. */
  readonly dead = new Promise<void>((resolve) => {
    this.#die = resolve;
  });
  constructor(inner: MemorySessionStore) {
    this.inner = inner;
  }
  get isCut(): boolean {
    return this.#cut;
  }
  cut(): void {
    this.#cut = true;
    this.#die();
  }
  load(session: string): Promise<SessionState | undefined> {
    return this.inner.load(session);
  }
  async commit(session: string, step: StepRecord): Promise<void> {
    if (this.#cut) return new Promise(() => {});
    await this.inner.commit(session, step);
    if (this.cutAfterOrders && step.intents.length > 0) {
      this.cut();
      return new Promise(() => {});
    }
  }
  async close(): Promise<void> {}
}

export interface RigProcess {
  readonly session: TradingSession;
  readonly client: CcxtVenueClient;
  readonly clock: ManualClock;
  readonly store: CrashableStore;
  /** Moves the exchange and the session `minutes` minutes on, then waits until everything sent was answered. */
  advance(minutes: number): Promise<void>;
  /** Waits until sent orders were answered and what was booked is committed. */
  settle(): Promise<void>;
  /** SIGKILL: the store takes nothing more, the connections drop, nothing is flushed. */
  kill(): Promise<void>;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
}

export interface VenueRig {
  readonly sim: SimExchange;
  readonly exchangeId: "binance" | "binanceusdm";
  /** Open time of the first bar the session trades (script minute 0). */
  readonly start: number;
  readonly store: MemorySessionStore;
  readonly sleeps: number[];
  launch(strategy: Strategy, extra?: Partial<TradingSessionOptions>): Promise<RigProcess>;
  /** A second client on the same account: someone (or something) acting at the venue behind the session's back. */
  outsider(): Promise<CcxtVenueClient>;
  close(): Promise<void>;
}

export async function startVenueRig(exchangeId: "binance" | "binanceusdm", seed = 7): Promise<VenueRig> {
  const bars = 2_000;
  const sim = await startSimExchange({
    clock: "manual",
    markets: [{ base: "BTC", quote: "USDT", startPrice: 30_000 }],
    seed,
    bars,
    historyBars: HISTORY,
    startTime: START,
  });
  const contracts = exchangeId === "binanceusdm";
  const tape = new MarketTape({
    symbol: "BTC/USDT",
    startPrice: 30_000,
    seed: `${seed}:BTCUSDT`,
    bars,
    startTime: START,
    tickSize: 0.01,
  });
  const store = new MemorySessionStore();
  const sleeps: number[] = [];
  const processes: RigProcess[] = [];
  const outsiders: CcxtVenueClient[] = [];
  const start = sim.now();
  return {
    sim,
    exchangeId,
    start,
    store,
    sleeps,
    async launch(strategy, extra = {}) {
      const crashable = new CrashableStore(store);
      const clock = new ManualClock(sim.now());
      const client = await createVenueClient({
        exchangeId,
        mode: "sim",
        local: sim,
        timeoutMs: 2_000,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
      const feed = new ReplayFeed([tape.series], MINUTE, clock);
      const session = new TradingSession({
        session: "live-1",
        slots: [
          {
            symbol: "BTC/USDT",
            strategy,
            instrument: defaultInstrument("BTC/USDT", {
              lotSize: contracts ? 0.001 : 0.00001,
              minQuantity: contracts ? 0.001 : 0.00001,
              kind: contracts ? "perpetual" : "spot",
            }),
            size: { type: "fixed-base", value: 0.01 },
          },
        ],
        timeframe: "1m",
        cash: 10_000,
        feed,
        store: crashable,
        clock,
        warmupBars: 50,
        venueClient: client,
        contracts,
        ...extra,
      });
      // Reports stream over the user data WebSocket: be subscribed before anything trades.
      const subscribed = sim.subscribed(`user:sim-key:${contracts ? "futures" : "spot"}`);
      await session.start();
      await subscribed;
      const settle = async () => {
        for (let i = 0; i < 4 && !crashable.isCut; i++) {
          await Promise.race([session.flushed(), crashable.dead]);
          await Promise.race([session.venueIdle(), crashable.dead]);
        }
      };
      const process: RigProcess = {
        session,
        client,
        clock,
        store: crashable,
        async advance(minutes) {
          for (let m = 0; m < minutes; m++) {
            sim.advance(MINUTE);
            feed.deliverUntil(sim.now());
            if (crashable.isCut) return;
            await settle();
          }
        },
        settle,
        async kill() {
          crashable.cut();
          await client.close();
        },
        async stop() {
          await session.stop();
          await client.close();
        },
      };
      processes.push(process);
      return process;
    },
    async outsider() {
      const client = await createVenueClient({ exchangeId, mode: "sim", local: sim, sleep: async () => {} });
      outsiders.push(client);
      return client;
    },
    async close() {
      for (const c of outsiders) await c.close().catch(() => {});
      for (const p of processes) await p.client.close().catch(() => {});
      await sim.close();
    },
  };
}
