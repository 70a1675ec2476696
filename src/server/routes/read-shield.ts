import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { readMacroRisk } from "../../risk/context/macro.js";
import { readKillSwitchLatch } from "../../risk/guards/kill-switch.js";
import { StabilityLock } from "../../risk/guards/stability-lock.js";
import type { RiskCheckResult } from "../../risk/shield.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import type { Database } from "../../store/database.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { parseJsonColumn, requireStore, sessionFilter, unindexedDecisionKey } from "./read-common.js";

/** The market-context layers: their verdicts are multipliers on size, and their reasons name their data. */
export const CONTEXT_LAYERS = ["macro-risk", "whale-inflow", "sentiment"] as const;

/** How many recent decisions are read to find each layer's latest verdict. */
const RECENT_DECISIONS = 300;

interface LayerState {
  readonly layer: string;
  readonly verdict: RiskCheckResult["verdict"];
  readonly reason: string;
  readonly scale: number | null;
  /** When this verdict was given (the decision's time) and on which symbol. */
  readonly time: number;
  readonly symbol: string;
}

/**
 * The shield now: the persisted latches (kill switch, macro risk, stability lock, every other latch as stored) and
 * each layer's latest verdict with its reason, read from the decision records, so it works for a running bot and
 * for a stopped one alike.
 */
export function shieldRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/shield",
    summary: "Kill switch, stability lock, macro risk, each layer's latest verdict and the context multipliers",
    tags: ["read"],
    access: "read",
    handler: async () => {
      const store = requireStore(ctx);
      const latchRows = await store.latches.all();
      const latches = new MemoryStateStore();
      for (const row of latchRows) latches.set(row.key, row.value);
      const kill = readKillSwitchLatch(latches);
      const macro = readMacroRisk(latches);
      // The lock's length lives in the configuration; 12 h is AlphaWEEX's and Aegis' default.
      const lock = new StabilityLock(latches, { minHours: 12 }).check(ctx.now());
      const layers = await latestVerdicts(ctx);
      const halted = ctx.status?.().halted ?? null;
      return {
        killSwitch: kill
          ? { tripped: true, rule: kill.rule, time: Number.isFinite(kill.time) ? kill.time : null, reason: kill.reason }
          : { tripped: false, rule: null, time: null, reason: "not tripped" },
        halted,
        macroRisk: macro ? { level: "HIGH", reason: macro.reason, observedAt: macro.observedAt } : { level: "normal" },
        stabilityLock: {
          locked: !lock.allowed,
          reason: lock.reason,
          remainingMs: lock.remainingMs,
          lastChange: lock.lastChange ?? null,
          minHours: 12,
        },
        layers,
        context: CONTEXT_LAYERS.map(
          (name) =>
            layers.find((l) => l.layer === name) ?? {
              layer: name,
              verdict: null,
              reason: "no decision has consulted this layer (it is off, or nothing was proposed yet)",
              scale: null,
              time: null,
              symbol: null,
            },
        ),
        latches: latchRows.map((row) => ({
          key: row.key,
          value: parseJsonColumn<unknown>(row.value, row.value),
          updatedAt: row.updatedAt,
        })),
      };
    },
  });
}

/** Each layer's verdict in the most recent decision that consulted it. */
async function latestVerdicts(ctx: ApiContext): Promise<LayerState[]> {
  const query = latestVerdictsQuery(requireStore(ctx).db, sessionFilter(ctx).decisionKeyPrefix);
  const seen = new Map<string, LayerState>();
  for (const row of await query.execute()) {
    // Most rows only repeat layers a newer row already gave: a text scan of their layer names skips them without
    // parsing (300 rows of 15 verdicts each were most of this endpoint's cost).
    if (row.verdicts !== null && !namesUnseenLayer(row.verdicts, seen)) continue;
    const records = parseJsonColumn<{ verdicts: RiskCheckResult[] }[]>(row.verdicts, []);
    for (const record of records) {
      for (const v of record.verdicts ?? []) {
        if (seen.has(v.layer)) continue;
        seen.set(v.layer, {
          layer: v.layer,
          verdict: v.verdict,
          reason: v.reason,
          scale: v.scale ?? null,
          time: row.time,
          symbol: row.symbol,
        });
      }
    }
  }
  return [...seen.values()];
}

/** The recent decisions that consulted the shield, newest first (exported so a test can check its query plan). */
export function latestVerdictsQuery(db: Kysely<Database>, decisionKeyPrefix: string | undefined) {
  let query = db
    .selectFrom("decisions")
    .select(["time", "symbol", "verdicts"])
    .where("verdicts", "!=", "[]")
    .orderBy("time", "desc")
    .orderBy("id", "desc")
    .limit(RECENT_DECISIONS);
  if (decisionKeyPrefix !== undefined)
    query = query
      .where(unindexedDecisionKey(), ">=", decisionKeyPrefix)
      .where(unindexedDecisionKey(), "<", `${decisionKeyPrefix}\uffff`);
  return query;
}

/** A layer name as JSON writes it in a verdict (`"layer":"kelly"`, or `"layer": "kelly"` from PostgreSQL's jsonb). */
const LAYER_NAME = /"layer"\s*:\s*("(?:[^"\\]|\\.)*")/g;

/**
 * Whether the verdicts' JSON text names a layer `seen` does not hold yet. Errs on the side of true (the row is then
 * parsed): a name that does not read back as a JSON string counts as unseen.
 */
export function namesUnseenLayer(verdicts: string, seen: ReadonlyMap<string, unknown>): boolean {
  for (const match of verdicts.matchAll(LAYER_NAME)) {
    const literal = match[1] as string;
    let name: unknown;
    try {
      name = literal.includes("\\") ? JSON.parse(literal) : literal.slice(1, -1);
    } catch {
      return true;
    }
    if (typeof name !== "string" || !seen.has(name)) return true;
  }
  return false;
}
