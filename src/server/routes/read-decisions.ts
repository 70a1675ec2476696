import type { FastifyInstance } from "fastify";
import { type Kysely, PostgresAdapter, sql as raw, type Selectable } from "kysely";
import { z } from "zod";
import type { Vote } from "../../domain/signal.js";
import type { RiskCheckResult } from "../../risk/shield.js";
import type { Database, DecisionsTable } from "../../store/database.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import {
  instant,
  pageQuery,
  parseJsonColumn,
  requireStore,
  sessionFilter,
  unindexedDecisionKey,
} from "./read-common.js";
import { jsonObject, RowCache, sendJson } from "./row-cache.js";

/** Rendered decisions kept: ten pages of the default size, ~3 kB each. */
const RENDERED_DECISIONS = 1000;

export const OUTCOMES = ["orders-sent", "rejected", "vetoed", "nothing-to-do"] as const;

/** A stored decision's risk record: one entry per order the decision proposed, with every layer's verdict. */
interface RiskRecord {
  readonly order: string;
  readonly approved: boolean;
  readonly quantity: number;
  readonly verdicts: readonly RiskCheckResult[];
}

export interface DecisionView {
  readonly id: number;
  readonly time: number;
  readonly symbol: string;
  readonly strategy: string;
  readonly action: string;
  readonly outcome: string;
  readonly reason: string;
  readonly price: number | null;
  readonly votes: readonly Vote[];
  readonly risk: readonly RiskRecord[];
  /** The decision in one plain sentence: what, why, and what the shield did. */
  readonly explanation: string;
}

/** One formatter for every price: `toLocaleString` with options builds a new one per call (most of a page's CPU). */
const PRICE_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 8 });

const iso = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * "At 2024-03-01 14:00 UTC it decided to buy BTC/USDT at 61,230 because sma-cross voted buy (fast crossed above
 * slow); the shield allowed it, resized by kelly; orders were sent." Answers "why did it buy at 14:00?".
 */
export function explainDecision(d: Omit<DecisionView, "explanation" | "id">): string {
  const price = d.price === null ? "" : ` at ${PRICE_FORMAT.format(d.price)}`;
  const voters = d.votes
    .filter((v) => v.action !== "hold" || d.action === "hold")
    .map((v) => {
      const why = v.reasons.length > 0 ? ` (${v.reasons.join("; ")})` : "";
      return `${v.source} voted ${v.action}${v.veto ? " with a veto" : ""} at confidence ${v.confidence.toFixed(2)}${why}`;
    });
  const because = voters.length > 0 ? voters.join(", ") : d.reason || "no source voted";
  const head = `At ${iso(d.time)} ${d.strategy} ${d.action === "hold" ? "held" : `decided to ${d.action}`} ${d.symbol}${d.action === "hold" ? "" : price} because ${because}`;
  const verdicts = d.risk.flatMap((r) => r.verdicts);
  const denial = verdicts.find((v) => v.verdict === "deny" || v.verdict === "halt");
  const scaled = verdicts.filter((v) => v.verdict === "scale");
  switch (d.outcome) {
    case "rejected":
      return `${head}; the risk shield refused it: ${denial ? `${denial.layer} said "${denial.reason}"` : d.reason}.`;
    case "orders-sent": {
      const layers = new Set(verdicts.map((v) => v.layer)).size;
      const resized = scaled.map((v) => `${v.layer} ×${(v.scale ?? 1).toFixed(2)} (${v.reason})`);
      const shield =
        layers === 0
          ? ""
          : resized.length > 0
            ? `; the risk shield's ${layers} layers let it through, resized by ${resized.join(", ")}`
            : `; the risk shield's ${layers} layers let it through unchanged`;
      return `${head}${shield}; orders were sent.`;
    }
    case "vetoed":
      return `${head}; it was vetoed and held (${d.reason}).`;
    default:
      return `${head}; there was nothing to do (${d.reason}).`;
  }
}

/** A stored decision row as the dashboard shows it, with its explanation in plain words. */
export function decisionView(row: Selectable<DecisionsTable>): DecisionView {
  const detail = parseJsonColumn<{ price?: number }>(row.detail, {});
  const base = {
    time: row.time,
    symbol: row.symbol,
    strategy: row.strategyId,
    action: row.action,
    outcome: row.outcome,
    reason: row.reason ?? "",
    price: typeof detail.price === "number" ? detail.price : null,
    votes: parseJsonColumn<Vote[]>(row.votes, []),
    risk: parseJsonColumn<RiskRecord[]>(row.verdicts, []),
  };
  return { id: row.id, ...base, explanation: explainDecision(base) };
}

/** The decision log: every vote, every risk verdict and the outcome, filtered and paged, newest first. */
export function decisionRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  // Each decision's view as JSON text, by id: a page asked again after a step renders only its new decisions.
  const rendered = new RowCache<Buffer>(RENDERED_DECISIONS);
  routes.add(app, {
    method: "GET",
    url: "/api/decisions",
    summary: "Decisions with every vote, risk verdict and a plain-words explanation",
    tags: ["read"],
    access: "read",
    query: z
      .object({
        symbol: z.string().min(1).max(40).optional(),
        outcome: z.enum(OUTCOMES).optional(),
        /** Only decisions this risk layer did not simply allow (it scaled, denied or halted them). */
        layer: z.string().min(1).max(60).optional(),
        action: z.enum(["buy", "sell", "close", "hold"]).optional(),
        from: instant.optional(),
        to: instant.optional(),
        ...pageQuery,
      })
      .strict(),
    handler: async ({ query }, reply) => {
      const db = requireStore(ctx).db;
      // The page's ids first (no JSON column sent back or parsed), then only the rows not rendered before.
      const keys = await decisionsWhere(db, sessionFilter(ctx).decisionKeyPrefix, query)
        .select(["id", "time"])
        .limit(query.limit + 1)
        .offset(query.offset)
        .execute();
      const page = keys.slice(0, query.limit);
      const missing = page.filter((k) => rendered.get(k.id, k.time) === undefined).map((k) => k.id);
      const fresh = new Map<number, Buffer>();
      for (let i = 0; i < missing.length; i += 500)
        for (const row of await db
          .selectFrom("decisions")
          .selectAll()
          .where("id", "in", missing.slice(i, i + 500))
          .execute()) {
          const json = Buffer.from(JSON.stringify(decisionView(row)));
          fresh.set(row.id, json);
          rendered.set(row.id, row.time, json);
        }
      // A row gone between the two reads (the store replaced under `aegis serve`) is left out, as a later page would.
      const decisions = page.flatMap((k) => fresh.get(k.id) ?? rendered.get(k.id, k.time) ?? []);
      const tail = `,"offset":${query.offset},"limit":${query.limit},"more":${keys.length > query.limit}}`;
      return sendJson(reply, jsonObject("decisions", decisions, tail));
    },
  });
}

export interface DecisionFilter {
  readonly symbol?: string | undefined;
  readonly outcome?: string | undefined;
  readonly action?: string | undefined;
  readonly layer?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/** The decision log's SELECT, newest first, before paging (exported so a test can check its query plan). */
export function decisionsQuery(db: Kysely<Database>, decisionKeyPrefix: string | undefined, query: DecisionFilter) {
  return decisionsWhere(db, decisionKeyPrefix, query).selectAll();
}

/** The decision log's rows, filtered and newest first, with no column chosen yet. */
function decisionsWhere(db: Kysely<Database>, decisionKeyPrefix: string | undefined, query: DecisionFilter) {
  let sql = db.selectFrom("decisions");
  if (decisionKeyPrefix !== undefined)
    sql = sql
      .where(unindexedDecisionKey(), ">=", decisionKeyPrefix)
      .where(unindexedDecisionKey(), "<", `${decisionKeyPrefix}\uffff`);
  if (query.symbol !== undefined) sql = sql.where("symbol", "=", query.symbol);
  if (query.outcome !== undefined) sql = sql.where("outcome", "=", query.outcome);
  if (query.action !== undefined) sql = sql.where("action", "=", query.action);
  if (query.from !== undefined) sql = sql.where("time", ">=", query.from);
  if (query.to !== undefined) sql = sql.where("time", "<=", query.to);
  // The layer is inside the JSON verdicts: a cheap text match first, then the exact test in the database's JSON
  // functions, so the database pages the matches and a page reads only its own rows.
  if (query.layer !== undefined)
    sql = sql
      .where(like("verdicts", `%${likeEscape(JSON.stringify(query.layer))}%`))
      .where(layerActed(db, query.layer));
  return sql.orderBy("time", "desc").orderBy("id", "desc");
}

/** Some order of the decision has a verdict of this layer other than "allow" (it scaled, denied or halted it). */
function layerActed(db: Kysely<Database>, layer: string) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? raw<boolean>`exists (select 1 from jsonb_array_elements(${raw.ref("verdicts")}::jsonb) as r,
        jsonb_array_elements(r.value -> 'verdicts') as v
        where v.value ->> 'layer' = ${layer} and v.value ->> 'verdict' <> 'allow')`
    : raw<boolean>`exists (select 1 from json_each(${raw.ref("verdicts")}) as r, json_each(r.value, '$.verdicts') as v
        where json_extract(v.value, '$.layer') = ${layer} and json_extract(v.value, '$.verdict') <> 'allow')`;
}

/** SQLite has no default LIKE escape character; naming one makes both backends read a backslash-escaped % as a literal one. */
function like(column: "verdicts", pattern: string) {
  return raw<boolean>`${raw.ref(column)} like ${pattern} escape '\\'`;
}

/** LIKE treats % and _ as wildcards; a symbol such as BTC_USDT must match itself only. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
