import type { Generated, Kysely } from "kysely";
import { type Db, fromJson, type TimeRange, toJson } from "./shared.js";

/**
 * The table of migration 005. Declared here rather than in database.ts so that this repository and its migration
 * are the only files the debates add to the store.
 */
interface LlmDebatesTable {
  id: Generated<number>;
  startedAt: number;
  finishedAt: number;
  kind: string;
  symbol: string;
  outcome: string;
  survivorId: string | null;
  transcript: string;
}
interface DebatesDatabase {
  llmDebates: LlmDebatesTable;
}

/** What a stored debate needs; the research layer's DebateTranscript is one (kept structural: store is below it). */
export interface DebateInput {
  readonly kind: string;
  readonly symbol: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: string;
  readonly survivor?: { readonly id: string };
}

export interface StoredDebate<T> {
  readonly id: number;
  readonly startedAt: number;
  readonly kind: string;
  readonly symbol: string;
  readonly outcome: string;
  readonly survivorId?: string;
  readonly transcript: T;
}

export class DebatesRepository {
  readonly #db: Kysely<DebatesDatabase>;
  constructor(db: Db) {
    this.#db = db as unknown as Kysely<DebatesDatabase>;
  }

  /** Stores one whole transcript; resolves to its id. */
  async insert(transcript: DebateInput): Promise<number> {
    const row = await this.#db
      .insertInto("llmDebates")
      .values({
        startedAt: transcript.startedAt,
        finishedAt: transcript.finishedAt,
        kind: transcript.kind,
        symbol: transcript.symbol,
        outcome: transcript.outcome,
        survivorId: transcript.survivor?.id ?? null,
        transcript: toJson(transcript),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async get<T = unknown>(id: number): Promise<StoredDebate<T> | undefined> {
    const row = await this.#db.selectFrom("llmDebates").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toStored<T>(row);
  }

  /** Debates by start time, oldest first. */
  async range<T = unknown>(range: TimeRange = {}): Promise<StoredDebate<T>[]> {
    let query = this.#db.selectFrom("llmDebates").selectAll();
    if (range.from !== undefined) query = query.where("startedAt", ">=", range.from);
    if (range.to !== undefined) query = query.where("startedAt", "<=", range.to);
    const rows = await query.orderBy("startedAt").orderBy("id").execute();
    return rows.map((row) => toStored<T>(row));
  }
}

function toStored<T>(row: {
  id: number;
  startedAt: number;
  kind: string;
  symbol: string;
  outcome: string;
  survivorId: string | null;
  transcript: string;
}): StoredDebate<T> {
  return {
    id: Number(row.id),
    startedAt: Number(row.startedAt),
    kind: row.kind,
    symbol: row.symbol,
    outcome: row.outcome,
    ...(row.survivorId !== null ? { survivorId: row.survivorId } : {}),
    transcript: fromJson<T>(row.transcript) as T,
  };
}
