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
import { RecentDecisions } from "./recent-decisions.js";
import { RowCache } from "./row-cache.js";

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
  // Each decision's verdicts, parsed once by id: the shield reads the same few hundred recent decisions each time.
  const parsed = new RowCache<readonly RiskCheckResult[]>(RECENT_DECISIONS * 2);
  // Which decisions those are: kept and topped up with the new ones on SQLite, read whole each time elsewhere.
  let window: RecentDecisions | undefined;
  const recentDecisions = async () => {
    const db = requireStore(ctx).db;
    const prefix = sessionFilter(ctx).decisionKeyPrefix;
    if (window === undefined && RecentDecisions.fits(db)) window = new RecentDecisions(db, prefix, RECENT_DECISIONS);
    return window !== undefined ? await window.read() : await latestVerdictsQuery(db, prefix).execute();
  };
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
      const layers = await latestVerdicts(ctx, await recentDecisions(), parsed);
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
async function latestVerdicts(
  ctx: ApiContext,
  recent: readonly { id: number; time: number; symbol: string }[],
  parsed: RowCache<readonly RiskCheckResult[]>,
): Promise<LayerState[]> {
  const db = requireStore(ctx).db;
  const missing = recent.filter((row) => parsed.get(row.id, row.time) === undefined).map((row) => row.id);
  const fresh = new Map<number, readonly RiskCheckResult[]>();
  for (let i = 0; i < missing.length; i += 500)
    for (const row of await db
      .selectFrom("decisions")
      .select(["id", "time", "verdicts"])
      .where("id", "in", missing.slice(i, i + 500))
      .execute()) {
      const records = parseJsonColumn<{ verdicts?: RiskCheckResult[] }[]>(row.verdicts, []);
      const verdicts = records.flatMap((record) => record.verdicts ?? []);
      fresh.set(row.id, verdicts);
      parsed.set(row.id, row.time, verdicts);
    }
  const seen = new Map<string, LayerState>();
  for (const row of recent) {
    for (const v of fresh.get(row.id) ?? parsed.get(row.id, row.time) ?? []) {
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
  return [...seen.values()];
}

/** The recent decisions that consulted the shield, newest first (exported so a test can check its query plan). */
export function latestVerdictsQuery(db: Kysely<Database>, decisionKeyPrefix: string | undefined) {
  let query = db
    .selectFrom("decisions")
    .select(["id", "time", "symbol"])
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
