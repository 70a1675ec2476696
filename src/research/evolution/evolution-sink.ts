import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Store } from "../../store/store.js";
import type { EvolvedCandidate } from "./evolver.js";

/** What is kept of every evolved strategy: its genes, generation, fitness, spec hash and lineage. */
export interface EvolvedRecord {
  readonly hash: string;
  readonly name: string;
  readonly generation: number;
  readonly fitness: number | null;
  readonly fitnessReason?: string;
  readonly parents: readonly string[];
  readonly genome: EvolvedCandidate["genome"];
  readonly spec: EvolvedCandidate["spec"];
  readonly outOfSample: EvolvedCandidate["fitness"]["outOfSample"];
  readonly symbol: string;
  readonly regime?: string;
}

export function toRecord(candidate: EvolvedCandidate, symbol: string, regime?: string): EvolvedRecord {
  return {
    hash: candidate.hash,
    name: candidate.name,
    generation: candidate.generation,
    fitness: candidate.fitness.fitness,
    ...(candidate.fitness.reason !== undefined ? { fitnessReason: candidate.fitness.reason } : {}),
    parents: candidate.parents,
    genome: candidate.genome,
    spec: candidate.spec,
    outOfSample: candidate.fitness.outOfSample,
    symbol,
    ...(regime !== undefined ? { regime } : {}),
  };
}

export interface EvolutionSink {
  record(records: readonly EvolvedRecord[]): Promise<void>;
}

/** The store's fitness column is NOT NULL: an unranked strategy (too few trades) is written with this value. */
export const UNRANKED_FITNESS = -1e9;

/**
 * Writes each evolved strategy to the store: a row of `evolved_strategies` (genes = the whole record: genome, spec,
 * hash, parents, out-of-sample numbers) and the spec in `strategies` (id = spec hash, source "evolver", state
 * "generated"), so the lifecycle can pick it up.
 */
export function storeSink(store: Store, clock: () => number = Date.now): EvolutionSink {
  return {
    async record(records) {
      for (const r of records) {
        const time = clock();
        await store.learning.insertEvolvedStrategy({
          time,
          generation: r.generation,
          fitness: r.fitness ?? UNRANKED_FITNESS,
          genes: r,
          ...(r.regime !== undefined ? { regime: r.regime } : {}),
          isActive: false,
        });
        await store.strategies.upsert({ id: r.hash, name: r.name, source: "evolver", spec: r.spec }, "evolver", time);
      }
    },
  };
}

/** Without a store: every record, appended in memory and written as one JSON array to `path` after each batch. */
export function jsonFileSink(path: string): EvolutionSink {
  const all: EvolvedRecord[] = [];
  return {
    async record(records) {
      all.push(...records);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(all)}\n`);
    },
  };
}
