import { type Db, fromJson, type TimeRange, toJson } from "./shared.js";

export interface DecisionInput {
  readonly time: number;
  readonly symbol: string;
  readonly strategyId: string;
  readonly action: string;
  /** e.g. "executed", "rejected", "hold". */
  readonly outcome: string;
  readonly reason?: string;
  /** Every vote of every signal source. */
  readonly votes: readonly unknown[];
  /** Every risk layer's verdict with its reason. */
  readonly verdicts: readonly unknown[];
  readonly detail?: unknown;
  /** Identity for idempotent writes; default `strategyId|symbol|time` (one decision per strategy, symbol and bar). */
  readonly decisionKey?: string;
}

export interface DecisionRecord extends DecisionInput {
  readonly id: number;
  readonly decisionKey: string;
}

function toRow(decision: DecisionInput) {
  return {
    decisionKey: decision.decisionKey ?? `${decision.strategyId}|${decision.symbol}|${decision.time}`,
    time: decision.time,
    symbol: decision.symbol,
    strategyId: decision.strategyId,
    action: decision.action,
    outcome: decision.outcome,
    reason: decision.reason ?? null,
    votes: toJson(decision.votes),
    verdicts: toJson(decision.verdicts),
    detail: decision.detail === undefined ? null : toJson(decision.detail),
  };
}

export class DecisionsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Resolves to false when a decision with the same key is already stored (a replay). */
  async insert(decision: DecisionInput): Promise<boolean> {
    return (await this.insertMany([decision])) === 1;
  }

  /**
   * The decisions of one time step in one statement (one round trip, one commit); resolves to how many were new.
   * Decisions whose key is already stored are skipped.
   */
  async insertMany(decisions: readonly DecisionInput[]): Promise<number> {
    if (decisions.length === 0) return 0;
    const rows = await this.#db
      .insertInto("decisions")
      .values(decisions.map(toRow))
      .onConflict((oc) => oc.column("decisionKey").doNothing())
      .returning("id")
      .execute();
    return rows.length;
  }

  async range(range: TimeRange & { readonly symbol?: string } = {}): Promise<DecisionRecord[]> {
    let query = this.#db.selectFrom("decisions").selectAll();
    if (range.from !== undefined) query = query.where("time", ">=", range.from);
    if (range.to !== undefined) query = query.where("time", "<=", range.to);
    if (range.symbol !== undefined) query = query.where("symbol", "=", range.symbol);
    const rows = await query.orderBy("time").orderBy("id").execute();
    return rows.map((row) => ({
      id: row.id,
      decisionKey: row.decisionKey,
      time: row.time,
      symbol: row.symbol,
      strategyId: row.strategyId,
      action: row.action,
      outcome: row.outcome,
      votes: fromJson<unknown[]>(row.votes) ?? [],
      verdicts: fromJson<unknown[]>(row.verdicts) ?? [],
      ...(row.reason !== null ? { reason: row.reason } : {}),
      ...(row.detail !== null ? { detail: fromJson(row.detail) } : {}),
    }));
  }
}
