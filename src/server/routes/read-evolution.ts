import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { STRATEGY_STATUSES } from "../../store/repositories/strategies.js";
import type { ApiContext } from "../context.js";
import { type EvolutionReport, listEvolutionReports } from "../evolution-reports.js";
import { type EvolvedInfo, evolvedByHash } from "../evolved-lookup.js";
import type { RouteTable } from "../route.js";
import { transitionEvidence } from "../transition-numbers.js";
import { notFound, pageQuery, parseJsonColumn, requireStore } from "./read-common.js";

/** How many ancestors a lineage answer walks at most (two parents per crossover: the tree grows fast). */
export const MAX_LINEAGE = 100;
/** How many evolution reports the page draws at most (newest first). */
const MAX_REPORTS = 20;

const idText = z.string().trim().min(1).max(200);

export interface LineageNode {
  readonly hash: string;
  readonly name: string;
  readonly generation: number | null;
  readonly fitness: number | null;
  readonly parents: readonly string[];
  /** Its lifecycle status when the store has the strategy. */
  readonly status: string | null;
  /** Where the node was found: the store's evolved table, an evolution report's lineage, or only the strategies. */
  readonly from: "store" | "report" | "strategy";
}

/**
 * The evolution history: strategies and every lifecycle move with the numbers it carried, the generation, fitness
 * and parents of evolved ones, the fitness per generation of evolution reports in the report folders, and the parent
 * chain of one strategy. Read-only: it serves `aegis serve` and `aegis trade` alike.
 */
export function evolutionRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  const tags = ["read", "evolution"];
  routes.add(app, {
    method: "GET",
    url: "/api/evolution",
    summary:
      "Strategies newest first with their lifecycle moves (who, when, why, the numbers), evolved generation, fitness and parents, and the evolution reports' fitness per generation",
    tags,
    access: "read",
    query: z
      .object({
        strategy: idText.optional().describe("strategy id or the start of it (a spec hash prefix)"),
        status: z.enum(STRATEGY_STATUSES).optional(),
        source: z.string().trim().min(1).max(60).optional().describe("builtin, user, evolver, llm …"),
        ...pageQuery,
      })
      .strict(),
    handler: async ({ query }) => {
      const store = requireStore(ctx);
      let sql = store.db.selectFrom("strategies").selectAll();
      if (query.status !== undefined) sql = sql.where("status", "=", query.status);
      if (query.source !== undefined) sql = sql.where("source", "=", query.source);
      if (query.strategy !== undefined)
        sql = sql.where("id", ">=", query.strategy).where("id", "<", `${query.strategy}\uffff`);
      const rows = await sql
        .orderBy("updatedAt", "desc")
        .orderBy("id")
        .limit(query.limit + 1)
        .offset(query.offset)
        .execute();
      const strategies = await Promise.all(
        rows.slice(0, query.limit).map(async (row) => {
          const [transitions, evolved] = await Promise.all([
            store.strategies.transitions(row.id),
            evolvedByHash(store, row.id),
          ]);
          return {
            id: row.id,
            name: row.name,
            status: row.status,
            source: row.source,
            createdAt: Number(row.createdAt),
            updatedAt: Number(row.updatedAt),
            spec: parseJsonColumn<unknown>(row.spec, null),
            evolved: evolved ?? null,
            transitions: transitions.map(({ numbers, ...t }) => ({ ...t, ...transitionEvidence(t.reason, numbers) })),
          };
        }),
      );
      const evolvedCount = await store.db
        .selectFrom("evolvedStrategies")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirst();
      return {
        strategies,
        offset: query.offset,
        limit: query.limit,
        more: rows.length > query.limit,
        evolvedStored: Number(evolvedCount?.n ?? 0),
        reports: listEvolutionReports(ctx.reportDirs).slice(0, MAX_REPORTS).map(reportView),
      };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/evolution/lineage/:id",
    summary: `The parent chain of one strategy: it, its parents, theirs … (at most ${MAX_LINEAGE}), from the store and the evolution reports`,
    tags,
    access: "read",
    params: z.object({ id: idText }).strict(),
    handler: async ({ params }, reply) => {
      const store = requireStore(ctx);
      const fromReports = new Map<string, EvolutionReport["lineage"][number]>();
      for (const report of listEvolutionReports(ctx.reportDirs))
        for (const node of report.lineage) if (!fromReports.has(node.hash)) fromReports.set(node.hash, node);
      const chain: LineageNode[] = [];
      const seen = new Set<string>([params.id]);
      const queue = [params.id];
      let truncated = false;
      while (queue.length > 0) {
        if (chain.length >= MAX_LINEAGE) {
          truncated = true;
          break;
        }
        const hash = queue.shift() as string;
        const node = await lineageNode(store, hash, fromReports);
        if (!node) {
          if (hash === params.id) return notFound(reply, `strategy ${params.id}`);
          chain.push({ hash, name: "", generation: null, fitness: null, parents: [], status: null, from: "strategy" });
          continue;
        }
        chain.push(node);
        for (const parent of node.parents) {
          if (seen.has(parent)) continue;
          seen.add(parent);
          queue.push(parent);
        }
      }
      return { id: params.id, chain, truncated };
    },
  });
}

async function lineageNode(
  store: ReturnType<typeof requireStore>,
  hash: string,
  fromReports: ReadonlyMap<string, EvolutionReport["lineage"][number]>,
): Promise<LineageNode | undefined> {
  const [evolved, strategy]: [EvolvedInfo | undefined, { status: string; name: string } | undefined] =
    await Promise.all([evolvedByHash(store, hash), store.strategies.get(hash)]);
  const status = strategy?.status ?? null;
  if (evolved) return { ...pick(evolved), status, from: "store" };
  const reported = fromReports.get(hash);
  if (reported) return { ...pick(reported), status, from: "report" };
  if (strategy)
    return { hash, name: strategy.name, generation: null, fitness: null, parents: [], status, from: "strategy" };
  return undefined;
}

const pick = (n: {
  hash: string;
  name: string;
  generation: number;
  fitness: number | null;
  parents: readonly string[];
}) => ({ hash: n.hash, name: n.name, generation: n.generation, fitness: n.fitness, parents: n.parents });

/** What the page draws of a report: the curve, the lineage of the best and the finalists' verdicts. */
function reportView(r: EvolutionReport) {
  return {
    id: r.id,
    name: r.name,
    modified: r.modified,
    symbol: r.symbol,
    regime: r.regime,
    seed: r.seed,
    stoppedBecause: r.stoppedBecause,
    trials: r.trials,
    pbo: r.pbo?.pbo ?? null,
    generations: r.generations,
    lineage: r.lineage,
    finalists: r.finalists.map((f) => ({
      hash: f.hash,
      name: f.name,
      fitness: f.fitness,
      passed: f.gates.passed,
      reasons: f.gates.reasons,
    })),
  };
}
