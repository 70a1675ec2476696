import type { FastifyInstance } from "fastify";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { isTimeframe, TIMEFRAMES } from "../../domain/timeframe.js";
import type { Database } from "../../store/database.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { EquityMirror } from "./equity-mirror.js";
import { instant, requireStore, sessionFilter } from "./read-common.js";

/** The most raw snapshots one page of `/api/equity?limit=` returns (a day of 1m steps is 1440). */
export const EQUITY_PAGE_MAX = 5000;
/** The most points of the downsampled curve (`/api/equity?points=`); a chart is a few hundred pixels wide. */
export const EQUITY_POINTS_MAX = 5000;
const EQUITY_POINTS_DEFAULT = 1000;

const equityQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    /** A page of raw snapshots: the newest `limit` before `before` (the `next` cursor of the previous page). */
    limit: z.coerce.number().int().min(1).max(EQUITY_PAGE_MAX).optional(),
    before: instant.optional(),
    /** The whole curve (or the from/to span) in at most this many points: the default form, what the chart draws. */
    points: z.coerce.number().int().min(2).max(EQUITY_POINTS_MAX).optional(),
  })
  .strict()
  .superRefine((q, check) => {
    if (q.points !== undefined && (q.limit !== undefined || q.before !== undefined))
      check.addIssue({
        code: "custom",
        path: ["points"],
        message: "points (the downsampled curve) cannot be combined with limit/before (a page of raw snapshots)",
      });
  });

interface EquityRow {
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
  /** The highest equity among the snapshots this point stands for (itself, unless downsampled). */
  readonly peak: number;
}

/**
 * The equity curve with its drawdown. By default the whole curve downsampled to at most `points` buckets of equal
 * time (each the bucket's last snapshot, its drawdown measured against the true running peak), so the answer stays
 * small however long the bot has run; `limit`/`before` pages through the raw snapshots instead.
 */
export function equityRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  // The session's snapshots copied once and topped up per request (SQLite only): the curve is downsampled from it.
  let mirror: EquityMirror | undefined;
  routes.add(app, {
    method: "GET",
    url: "/api/equity",
    summary: `Equity curve with drawdown from the running peak: downsampled to \`points\` (default ${EQUITY_POINTS_DEFAULT}, max ${EQUITY_POINTS_MAX}), or a page of raw snapshots with \`limit\` (max ${EQUITY_PAGE_MAX}) and the \`before\` cursor`,
    tags: ["read"],
    access: "read",
    query: equityQuery,
    handler: async ({ query }) => {
      const db = requireStore(ctx).db;
      const filter: EquityFilter = { detail: sessionDetail(ctx), from: query.from, to: query.to };
      if (query.limit !== undefined || query.before !== undefined) {
        const limit = query.limit ?? EQUITY_POINTS_DEFAULT;
        const newest = await equityPageQuery(db, { ...filter, before: query.before }, limit + 1).execute();
        const rows = newest.slice(0, limit).reverse();
        const points = withDrawdown(rows.map((r) => ({ ...r, peak: r.equity })));
        const more = newest.length > limit;
        return {
          points,
          benchmark: buyAndHold(ctx, points),
          page: { limit, before: query.before ?? null, next: more ? (points[0]?.time ?? null) : null },
        };
      }
      const points = query.points ?? EQUITY_POINTS_DEFAULT;
      if (mirror === undefined && EquityMirror.fits(db)) mirror = new EquityMirror(db, filter.detail);
      const { rows, snapshots, bucketMs } =
        mirror !== undefined && (await mirror.refresh())
          ? mirror.downsample(filter, points)
          : await downsampled(db, filter, points);
      const curve = withDrawdown(rows);
      return { points: curve, benchmark: buyAndHold(ctx, curve), downsampled: { snapshots, bucketMs } };
    },
  });
}

interface EquityFilter {
  /** The session's snapshots carry exactly this detail (the trading session store writes `{"session":name}`). */
  readonly detail: string | undefined;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly before?: number | undefined;
}

function sessionDetail(ctx: ApiContext): string | undefined {
  const { session } = sessionFilter(ctx);
  return session === undefined ? undefined : JSON.stringify({ session });
}

function filtered(db: Kysely<Database>, filter: EquityFilter) {
  let q = db.selectFrom("equitySnapshots");
  if (filter.detail !== undefined) q = q.where("detail", "=", filter.detail);
  if (filter.from !== undefined) q = q.where("time", ">=", filter.from);
  if (filter.to !== undefined) q = q.where("time", "<=", filter.to);
  if (filter.before !== undefined) q = q.where("time", "<", filter.before);
  return q;
}

/** The newest snapshots first (exported so a test can check its query plan). */
export function equityPageQuery(db: Kysely<Database>, filter: EquityFilter, limit: number) {
  return filtered(db, filter).select(["time", "equity", "cash"]).orderBy("time", "desc").limit(limit);
}

/**
 * One row per bucket of `bucketMs` from `t0`: the bucket's last snapshot (highest id: snapshots are written in time
 * order) and its highest equity. The bucket bounds are whole numbers written into the SQL, so both backends divide
 * integers (exported so a test can check its query plan).
 */
export function equityBucketsQuery(db: Kysely<Database>, filter: EquityFilter, t0: number, bucketMs: number) {
  const bucket = sql<number>`(${sql.ref("time")} - ${sql.lit(t0)}) / ${sql.lit(bucketMs)}`;
  const groups = filtered(db, filter)
    .select((eb) => [eb.fn.max("id").as("lastId"), eb.fn.max("equity").as("peak")])
    .groupBy(bucket);
  return db
    .selectFrom("equitySnapshots as e")
    .innerJoin(groups.as("g"), "g.lastId", "e.id")
    .select(["e.time", "e.equity", "e.cash", "g.peak"])
    .orderBy("e.time");
}

/** The downsampled curve by the database (PostgreSQL, or a curve too long to copy); exported for the mirror's test. */
export async function downsampled(db: Kysely<Database>, filter: EquityFilter, points: number) {
  const span = await filtered(db, filter)
    .select((eb) => [eb.fn.min("time").as("first"), eb.fn.max("time").as("last"), eb.fn.countAll().as("n")])
    .executeTakeFirst();
  const snapshots = Number(span?.n ?? 0);
  const first = Number(span?.first);
  const last = Number(span?.last);
  if (snapshots === 0 || !Number.isFinite(first) || !Number.isFinite(last)) return { rows: [], snapshots, bucketMs: 0 };
  if (snapshots <= points) {
    const rows = await filtered(db, filter).select(["time", "equity", "cash"]).orderBy("time").execute();
    return { rows: rows.map((r) => ({ ...r, peak: r.equity })), snapshots, bucketMs: 0 };
  }
  const bucketMs = Math.max(1, Math.ceil((last - first + 1) / points));
  const rows = await equityBucketsQuery(db, filter, first, bucketMs).execute();
  return { rows: rows.map((r) => ({ ...r, peak: Number(r.peak) })), snapshots, bucketMs };
}

function withDrawdown(rows: readonly EquityRow[]) {
  let peak = Number.NEGATIVE_INFINITY;
  return rows.map((r) => {
    peak = Math.max(peak, r.peak, r.equity);
    return { time: r.time, equity: r.equity, cash: r.cash, drawdownPct: peak > 0 ? (r.equity / peak - 1) * 100 : 0 };
  });
}

/**
 * Buy-and-hold of the session's markets, equal weight, scaled to the first equity point: what holding would have
 * made over the same span. Null when no candles are held.
 */
export function buyAndHold(
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
  // The points come in time order: each market's last closed bar only moves forward, so one walk per market finds
  // them all (a binary search per point and market was ~1 ms per answer at 100 markets).
  const sorted = points.every((p, k) => k === 0 || (points[k - 1] as { time: number }).time <= p.time);
  const walked = closes.map(() => -1);
  const closeWalking = (i: number, t: number): number | undefined => {
    const c = closes[i] as (typeof closes)[number];
    let at = walked[i] as number;
    while (at + 1 < c.time.length && (c.time[at + 1] as number) + c.barMs <= t) at++;
    walked[i] = at;
    return at < 0 ? undefined : (c.close[at] as number);
  };
  const out = points.map((p) => {
    let sum = 0;
    for (let i = 0; i < closes.length; i++)
      sum += ((sorted ? closeWalking(i, p.time) : closeAt(closes[i]!, p.time)) ?? 0) / (bases[i] as number);
    return { time: p.time, equity: (first.equity * sum) / closes.length };
  });
  return { label: closes.length > 1 ? "Buy & hold (equal weight)" : "Buy & hold", points: out };
}
