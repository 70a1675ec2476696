import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../store/database.js";
import { FINAL_ORDER_STATUSES, type OrderRecord } from "../../store/repositories/orders.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { pageQuery, parseJsonColumn, requireStore, sessionFilter } from "./read-common.js";
import { equityRoutes } from "./read-equity.js";
import { portfolioSchema, readPortfolio } from "./read-status.js";

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
      const rows = await tradesQuery(requireStore(ctx).db, sessionFilter(ctx).owner, query.symbol)
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

  equityRoutes(app, routes, ctx);
}

/** Closed trades, newest first, before paging (exported so a test can check its query plan). */
export function tradesQuery(db: Kysely<Database>, owner: string | undefined, symbol: string | undefined) {
  let sql = db.selectFrom("trades").selectAll();
  if (owner !== undefined) sql = sql.where("strategyId", "=", owner);
  if (symbol !== undefined) sql = sql.where("symbol", "=", symbol);
  return sql.orderBy("exitTime", "desc").orderBy("id", "desc");
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
