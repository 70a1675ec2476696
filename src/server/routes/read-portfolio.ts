import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { isTimeframe, TIMEFRAMES } from "../../domain/timeframe.js";
import { FINAL_ORDER_STATUSES, type OrderRecord } from "../../store/repositories/orders.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { instant, pageQuery, parseJsonColumn, requireStore, sessionFilter } from "./read-common.js";
import { portfolioSchema, readPortfolio } from "./read-status.js";

const timeQuery = z.object({ from: instant.optional(), to: instant.optional() }).strict();

/** Portfolio, positions, open orders, trades and the equity curve (with its drawdown) of the session. */
export function portfolioRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/portfolio",
    summary: "Equity, cash and positions with live P&L",
    tags: ["read"],
    access: "read",
    response: portfolioSchema,
    handler: async (_input, reply) => {
      const view = await readPortfolio(ctx);
      return view ?? reply.code(404).send({ error: "no trading session: nothing has been traded yet" });
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/positions",
    summary: "Open positions with live P&L",
    tags: ["read"],
    access: "read",
    handler: async () => ({ positions: (await readPortfolio(ctx))?.positions ?? [] }),
  });

  routes.add(app, {
    method: "GET",
    url: "/api/orders/open",
    summary: "Orders the venue may still act on",
    tags: ["read"],
    access: "read",
    handler: async () => {
      const store = requireStore(ctx);
      const { owner } = sessionFilter(ctx);
      let query = store.db.selectFrom("orders").selectAll().where("status", "not in", FINAL_ORDER_STATUSES);
      if (owner !== undefined) query = query.where("strategyId", "=", owner);
      const rows = await query.orderBy("intentTime").orderBy("id").execute();
      return { orders: rows.map((row) => orderView(row)) };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/trades",
    summary: "Closed trades, newest first",
    tags: ["read"],
    access: "read",
    query: z.object({ symbol: z.string().min(1).optional(), ...pageQuery }).strict(),
    handler: async ({ query }) => {
      const store = requireStore(ctx);
      const { owner } = sessionFilter(ctx);
      let sql = store.db.selectFrom("trades").selectAll();
      if (owner !== undefined) sql = sql.where("strategyId", "=", owner);
      if (query.symbol !== undefined) sql = sql.where("symbol", "=", query.symbol);
      const rows = await sql
        .orderBy("exitTime", "desc")
        .orderBy("id", "desc")
        .limit(query.limit)
        .offset(query.offset)
        .execute();
      return {
        trades: rows.map(({ detail, strategyId, exitReason, ...row }) => ({
          ...row,
          strategyId,
          exitReason,
          detail: parseJsonColumn<unknown>(detail, null),
        })),
      };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/equity",
    summary: "Equity curve with drawdown from the running peak",
    tags: ["read"],
    access: "read",
    query: timeQuery,
    handler: async ({ query }) => {
      const store = requireStore(ctx);
      const { session } = sessionFilter(ctx);
      const snapshots = await store.equity.range(query);
      const mine = snapshots.filter((s) => session === undefined || sessionOf(s.detail) === session);
      let peak = Number.NEGATIVE_INFINITY;
      const points = mine.map((s) => {
        peak = Math.max(peak, s.equity);
        return {
          time: s.time,
          equity: s.equity,
          cash: s.cash,
          drawdownPct: peak > 0 ? (s.equity / peak - 1) * 100 : 0,
        };
      });
      return { points, benchmark: buyAndHold(ctx, points) };
    },
  });
}

function sessionOf(detail: unknown): string | undefined {
  return typeof detail === "object" && detail !== null
    ? ((detail as { session?: string }).session ?? undefined)
    : undefined;
}

/**
 * Buy-and-hold of the session's markets, equal weight, scaled to the first equity point: what holding would have
 * made over the same span. Null when no candles are held.
 */
function buyAndHold(
  ctx: ApiContext,
  points: readonly { time: number; equity: number }[],
): { label: string; points: { time: number; equity: number }[] } | null {
  const first = points[0];
  if (!ctx.candles || first === undefined) return null;
  const closes: { time: Float64Array; close: Float64Array; barMs: number }[] = [];
  for (const m of ctx.candles.markets()) {
    const series = ctx.candles.series(m.symbol, m.timeframe);
    if (series === undefined || series.length === 0 || !isTimeframe(m.timeframe)) continue;
    closes.push({ time: series.time, close: series.close, barMs: TIMEFRAMES[m.timeframe] });
  }
  if (closes.length === 0) return null;
  // The close known at time t is that of the last bar closed by t (open time + bar length ≤ t).
  const closeAt = (c: (typeof closes)[number], t: number): number | undefined => {
    let lo = 0;
    let hi = c.time.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((c.time[mid] as number) + c.barMs <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : (c.close[found] as number);
  };
  const bases = closes.map((c) => closeAt(c, first.time));
  if (bases.some((b) => b === undefined || b <= 0)) return null;
  const out = points.map((p) => {
    let sum = 0;
    for (let i = 0; i < closes.length; i++) sum += (closeAt(closes[i]!, p.time) ?? 0) / (bases[i] as number);
    return { time: p.time, equity: (first.equity * sum) / closes.length };
  });
  return { label: closes.length > 1 ? "Buy & hold (equal weight)" : "Buy & hold", points: out };
}

function orderView(row: {
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  qty: number;
  price: number | null;
  stop: number | null;
  status: string;
  filledQty: number;
  intentTime: number;
  updatedAt: number;
  reason: string | null;
}): Pick<OrderRecord, "clientOrderId" | "symbol" | "type" | "qty" | "filledQty" | "intentTime" | "updatedAt"> & {
  side: string;
  status: string;
  price: number | null;
  stop: number | null;
  reason: string | null;
} {
  return {
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    qty: row.qty,
    price: row.price,
    stop: row.stop,
    status: row.status,
    filledQty: row.filledQty,
    intentTime: row.intentTime,
    updatedAt: row.updatedAt,
    reason: row.reason,
  };
}
