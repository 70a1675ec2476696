import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SessionState } from "../../engine/trading/session-store.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { parseJsonColumn } from "./read-common.js";

/** One position as the dashboard shows it: live P&L at the last mark. */
export interface PositionView {
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly markPrice: number;
  readonly unrealizedPnl: number;
}

/** The portfolio now: from the live session when there is one, else from the last step the store committed. */
export interface PortfolioView {
  readonly source: "live" | "store";
  readonly session: string | null;
  readonly time: number | null;
  readonly equity: number;
  readonly cash: number;
  readonly initialCash: number;
  readonly returnPct: number;
  readonly positions: readonly PositionView[];
  readonly halted: string | null;
}

const positionSchema = z.object({
  symbol: z.string(),
  side: z.string(),
  quantity: z.number(),
  entryPrice: z.number(),
  markPrice: z.number(),
  unrealizedPnl: z.number(),
});

export const portfolioSchema = z.object({
  source: z.enum(["live", "store"]),
  session: z.string().nullable(),
  time: z.number().nullable(),
  equity: z.number(),
  cash: z.number(),
  initialCash: z.number(),
  returnPct: z.number(),
  positions: z.array(positionSchema),
  halted: z.string().nullable(),
});

/** The portfolio of the context's session, or undefined when neither a live session nor a saved state exists. */
export async function readPortfolio(ctx: ApiContext): Promise<PortfolioView | undefined> {
  if (ctx.status) {
    const s = ctx.status();
    return {
      source: "live",
      session: ctx.session ?? null,
      time: s.time,
      equity: s.equity,
      cash: s.cash,
      initialCash: s.initialCash,
      returnPct: s.returnPct,
      positions: s.positions.map((p) => ({ ...p })),
      halted: s.halted,
    };
  }
  if (!ctx.store) return undefined;
  let query = ctx.store.db.selectFrom("tradingSessions").selectAll().orderBy("updatedAt", "desc");
  if (ctx.session !== undefined) query = query.where("session", "=", ctx.session);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const state = parseJsonColumn<SessionState | undefined>(row.state, undefined);
  if (!state) return undefined;
  const positions = state.portfolio.positions.map((p) => ({
    symbol: p.symbol,
    side: p.side,
    quantity: Math.abs(p.quantity),
    entryPrice: p.entryPrice,
    markPrice: p.markPrice,
    unrealizedPnl: p.quantity * (p.markPrice - p.entryPrice),
  }));
  const equity = state.portfolio.cash + positions.reduce((sum, p) => sum + p.unrealizedPnl, 0);
  return {
    source: "store",
    session: row.session,
    time: state.close,
    equity,
    cash: state.portfolio.cash,
    initialCash: state.portfolio.initialCash,
    returnPct: (equity / state.portfolio.initialCash - 1) * 100,
    positions,
    halted: state.haltReason,
  };
}

/** GET /api/status: what runs, in which mode, and its portfolio, feeds and store health in one answer. */
export function statusRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/status",
    summary: "Mode, session, portfolio summary, feeds and store health",
    tags: ["read"],
    access: "read",
    handler: async () => {
      const live = ctx.status?.();
      const portfolio = await readPortfolio(ctx);
      return {
        mode: live ? "trading" : "read-only",
        session: ctx.session ?? portfolio?.session ?? null,
        time: ctx.now(),
        store: ctx.store !== undefined,
        portfolio: portfolio ?? null,
        steps: live?.steps ?? null,
        openOrders: live?.openOrders ?? null,
        feeds: live?.feeds ?? null,
        storeHealthy: live?.storeHealthy ?? ctx.store !== undefined,
        // Allocator weights, online learner, pattern memory: only when the session runs learners.
        ...(live?.learners ? { learners: live.learners } : {}),
      };
    },
  });
}
