import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { EngineEvents, EventName } from "../engine/events.js";
import type { ApiContext } from "./context.js";
import type { RouteTable } from "./route.js";
import type { RouteGroup } from "./server.js";

/** What the hub needs of a WebSocket (ws' WebSocket has it): sends queue, `bufferedAmount` says how much waits. */
/** The subprotocol the dashboard asks for; beside it, `bearer.<token>` carries the token a browser cannot put in a header. */
export const LIVE_PROTOCOL = "aegis-live";

export interface LiveClient {
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

export interface LiveMessage {
  readonly type: string;
  readonly time: number;
  readonly data: unknown;
}

export interface LiveOptions {
  /** A client with more than this many bytes still unsent is dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

/**
 * Fans messages out to dashboard clients. Sending never waits: a message is serialised once and queued on each
 * socket; a client whose queue is over the bound (a phone on a bad network, a stalled tab) is dropped and may
 * reconnect. So the bus handler that calls `broadcast` costs the same whether clients read or not, and trading is
 * never slowed by a viewer.
 */
export class LiveHub {
  readonly #clients = new Set<LiveClient>();
  readonly #maxBuffered: number;
  /** Clients dropped for being too slow, since start. */
  dropped = 0;
  /** Called when the first client arrives and when the last leaves, so nothing listens to the bus for nobody. */
  onActive: (active: boolean) => void = () => {};

  constructor(options: LiveOptions = {}) {
    this.#maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  }

  get size(): number {
    return this.#clients.size;
  }

  add(client: LiveClient): () => void {
    this.#clients.add(client);
    if (this.#clients.size === 1) this.onActive(true);
    return () => this.#remove(client);
  }

  #remove(client: LiveClient): void {
    if (this.#clients.delete(client) && this.#clients.size === 0) this.onActive(false);
  }

  broadcast(message: LiveMessage): void {
    if (this.#clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const client of [...this.#clients]) {
      if (client.bufferedAmount + text.length > this.#maxBuffered) {
        this.dropped++;
        this.#remove(client);
        try {
          client.terminate();
        } catch {
          // already gone
        }
        continue;
      }
      try {
        client.send(text);
      } catch {
        this.#remove(client);
      }
    }
  }
}

/** Bus events and the message type the dashboard receives for each. */
const FORWARDED: Partial<Record<EventName, string>> = {
  MARKET_DATA: "bar",
  SIGNAL_GENERATED: "decision",
  RISK_CHECK: "risk-check",
  SIGNAL_REJECTED: "rejected",
  ORDER_PLACED: "order",
  ORDER_ACKNOWLEDGED: "order",
  ORDER_REJECTED: "order",
  ORDER_CANCELLED: "order",
  ORDER_FILLED: "fill",
  POSITION_UPDATE: "position",
  POSITION_ACTION: "position-action",
  KILL_SWITCH: "kill-switch",
  ALERT: "alert",
};

function eventTime(name: EventName, payload: EngineEvents[EventName]): number {
  if (name === "MARKET_DATA") return (payload as EngineEvents["MARKET_DATA"]).bar.time;
  return (payload as { time: number }).time;
}

/**
 * The live stream at GET /api/live (WebSocket): bus events as `{type, time, data}` JSON messages, and after each
 * committed step a `step` message, an `equity` message (from the session's status) and a `trade` message per trade closed in it (read
 * from the store, which has it before the step is announced).
 */
export function liveStream(options: LiveOptions = {}): RouteGroup & { readonly hub: LiveHub } {
  const hub = new LiveHub(options);
  const group = (app: FastifyInstance, _routes: RouteTable, ctx: ApiContext): void => {
    let unsubscribe: (() => void)[] = [];
    let lastTradeExit = Number.NEGATIVE_INFINITY;
    hub.onActive = (active) => {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      const bus = ctx.bus;
      if (!active || !bus) return;
      for (const [name, type] of Object.entries(FORWARDED) as [EventName, string][]) {
        unsubscribe.push(
          bus.on(name, (payload) =>
            hub.broadcast({ type, time: eventTime(name, payload), data: { event: name, ...payload } }),
          ),
        );
      }
      // Trades closed before the first client came are history (GET /api/trades), not news.
      lastTradeExit = Number.POSITIVE_INFINITY;
      void latestExit(ctx).then(
        (t) => {
          lastTradeExit = t;
        },
        () => {
          lastTradeExit = Number.NEGATIVE_INFINITY;
        },
      );
      unsubscribe.push(
        bus.on("STATE_SAVED", (saved) => {
          // The step is in the store now: pages that read it (decision log, shield) reload on this.
          hub.broadcast({ type: "step", time: saved.time, data: { what: saved.what } });
          const status = ctx.status?.();
          if (status) {
            hub.broadcast({
              type: "equity",
              time: saved.time,
              data: {
                equity: status.equity,
                cash: status.cash,
                returnPct: status.returnPct,
                positions: status.positions,
                halted: status.halted,
              },
            });
          }
          // Fire and forget: the bus is synchronous and must not wait for the store.
          void newTrades(ctx, lastTradeExit).then(
            (trades) => {
              for (const trade of trades) {
                lastTradeExit = Math.max(lastTradeExit, trade.exitTime);
                hub.broadcast({ type: "trade", time: trade.exitTime, data: trade });
              }
            },
            () => {},
          );
        }),
      );
    };
    app.register(websocket, {
      options: {
        maxPayload: 4096,
        // Answer with the stream's own protocol, never with the `bearer.<token>` one (the token is not echoed).
        handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
      },
    });
    app.register(async (scoped) => {
      scoped.get("/api/live", { websocket: true, config: { access: "read" } }, (socket) => {
        const remove = hub.add(socket);
        socket.on("close", remove);
        socket.on("error", remove);
        // The stream is one-way; anything a client sends is ignored.
        socket.send(
          JSON.stringify({
            type: "hello",
            time: ctx.now(),
            data: { session: ctx.session ?? null, live: ctx.bus !== undefined },
          }),
        );
      });
    });
    app.addHook("onClose", async () => {
      for (const off of unsubscribe) off();
      unsubscribe = [];
    });
  };
  return Object.assign(group, { hub });
}

async function newTrades(ctx: ApiContext, after: number) {
  if (!ctx.store) return [];
  let query = ctx.store.db.selectFrom("trades").selectAll().where("exitTime", ">", after);
  if (ctx.session !== undefined) query = query.where("strategyId", "=", ctx.session);
  const rows = await query.orderBy("exitTime").orderBy("id").limit(100).execute();
  return rows.map(({ detail: _detail, ...row }) => row);
}

async function latestExit(ctx: ApiContext): Promise<number> {
  if (!ctx.store) return Number.NEGATIVE_INFINITY;
  let query = ctx.store.db.selectFrom("trades").select("exitTime").orderBy("exitTime", "desc").limit(1);
  if (ctx.session !== undefined) query = query.where("strategyId", "=", ctx.session);
  return (await query.executeTakeFirst())?.exitTime ?? Number.NEGATIVE_INFINITY;
}
