import { type Kysely, SqliteAdapter } from "kysely";
import type { Database } from "../../store/database.js";
import { unindexedDecisionKey } from "./read-common.js";

export interface RecentDecision {
  readonly id: number;
  readonly time: number;
  readonly symbol: string;
}

/**
 * The `size` most recent decisions of a session that consulted the shield (newest first, by time then id), kept
 * between requests and topped up with the decisions written since: the rows with a higher id. The shield's page
 * read the whole window again per request (~1.2 MB of pages, re-read from the file after every commit of the
 * trading thread). Exact on SQLite only: its writers are serialized and AUTOINCREMENT ids never reused, so a
 * decision committed later has a higher id whatever its time, and decisions are never updated or deleted.
 */
export class RecentDecisions {
  #window: readonly RecentDecision[] = [];
  #lastId: number | undefined;
  #reading: Promise<readonly RecentDecision[]> | undefined;

  constructor(
    readonly db: Kysely<Database>,
    readonly decisionKeyPrefix: string | undefined,
    readonly size: number,
  ) {}

  static fits(db: Kysely<Database>): boolean {
    return db.getExecutor().adapter instanceof SqliteAdapter;
  }

  /** The window now; concurrent callers share one read. */
  read(): Promise<readonly RecentDecision[]> {
    this.#reading ??= this.#top().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #top(): Promise<readonly RecentDecision[]> {
    const newest = await this.db
      .selectFrom("decisions")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    const max = Number(newest?.id ?? 0);
    // The first read, or ids that went back (another store file): the whole window from the time index.
    const fromScratch = this.#lastId === undefined || max < this.#lastId;
    if (!fromScratch && max === this.#lastId) return this.#window;
    let query = this.db
      .selectFrom("decisions")
      .select(["id", "time", "symbol"])
      .where("verdicts", "!=", "[]")
      .where("id", "<=", max);
    if (!fromScratch) query = query.where("id", ">", this.#lastId as number);
    if (this.decisionKeyPrefix !== undefined)
      query = query
        .where(unindexedDecisionKey(), ">=", this.decisionKeyPrefix)
        .where(unindexedDecisionKey(), "<", `${this.decisionKeyPrefix}\uffff`);
    const rows = await query.orderBy("time", "desc").orderBy("id", "desc").limit(this.size).execute();
    const merged = (fromScratch ? rows : [...rows, ...this.#window]).map((r) => ({
      id: Number(r.id),
      time: Number(r.time),
      symbol: r.symbol,
    }));
    merged.sort((a, b) => b.time - a.time || b.id - a.id);
    this.#window = merged.slice(0, this.size);
    this.#lastId = max;
    return this.#window;
  }
}
