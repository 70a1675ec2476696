import type { StoreSession } from "../store/store.js";
import { parseJsonColumn } from "./routes/read-common.js";

/** research/evolution/evolution-sink.ts: the value the store's NOT NULL fitness column holds for an unranked strategy. */
const UNRANKED_FITNESS = -1e9;

/** What `aegis evolve --store` keeps of an evolved strategy (the `genes` column holds the sink's whole record). */
export interface EvolvedInfo {
  readonly hash: string;
  readonly name: string;
  readonly generation: number;
  /** null when the strategy was not ranked (too few trades …); `fitnessReason` then says why. */
  readonly fitness: number | null;
  readonly fitnessReason?: string;
  readonly parents: readonly string[];
  readonly outOfSample?: unknown;
  readonly symbol?: string;
  readonly regime?: string;
  /** When it was stored (Unix ms). */
  readonly time: number;
}

/** Evolver ids are spec hashes (hex); anything else cannot be in `genes` and is not searched for. */
const HASH = /^[0-9a-f]{8,64}$/;

/**
 * The newest stored evolution record of spec `hash`, or undefined. The table has no hash column (migration 003 keeps
 * Algo Trading Lab's layout), so the record is found by its JSON text: the sink writes `"hash":"<hex>"` first.
 */
export async function evolvedByHash(store: StoreSession, hash: string): Promise<EvolvedInfo | undefined> {
  if (!HASH.test(hash)) return undefined;
  const row = await store.db
    .selectFrom("evolvedStrategies")
    .select(["time", "generation", "fitness", "genes", "regime"])
    .where("genes", "like", `%"hash":"${hash}"%`)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const genes = parseJsonColumn<Record<string, unknown>>(row.genes, {});
  const parents = Array.isArray(genes.parents) ? genes.parents.filter((p): p is string => typeof p === "string") : [];
  return {
    hash,
    name: typeof genes.name === "string" ? genes.name : hash.slice(0, 12),
    generation: Number(row.generation),
    fitness: row.fitness <= UNRANKED_FITNESS ? null : row.fitness,
    ...(typeof genes.fitnessReason === "string" ? { fitnessReason: genes.fitnessReason } : {}),
    parents,
    ...(genes.outOfSample !== undefined ? { outOfSample: genes.outOfSample } : {}),
    ...(typeof genes.symbol === "string" ? { symbol: genes.symbol } : {}),
    ...(row.regime !== null ? { regime: row.regime } : {}),
    time: Number(row.time),
  };
}
