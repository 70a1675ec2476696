import type { ShadowRunRecord, ShadowStepRow, ShadowTradeRecord } from "../../engine/trading/shadow-runner.js";
import { type Db, inTransaction } from "./shared.js";

export type { ShadowRunRecord, ShadowTradeRecord };
/** One committed shadow step of one candidate (the runner's row type: the store writes what the engine hands it). */
export type ShadowStepRecord = ShadowStepRow;

export class ShadowRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Writes the steps of every candidate in one transaction: a crash leaves all of them at the previous step or
   * all at this one. Trades and equity points already stored (a replay) are skipped, never doubled.
   */
  commit(steps: readonly ShadowStepRecord[]): Promise<void> {
    return inTransaction(this.#db, async (trx) => {
      for (const { run, trades, liveEquity } of steps) {
        const values = { ...run, ready: run.ready ? 1 : 0 };
        await trx
          .insertInto("shadowRuns")
          .values(values)
          .onConflict((oc) => oc.columns(["session", "strategyId"]).doUpdateSet(values))
          .execute();
        for (const t of trades) {
          await trx
            .insertInto("shadowTrades")
            .values({
              ...t,
              session: run.session,
              strategyId: run.strategyId,
              exitReason: t.exitReason ?? null,
            })
            .onConflict((oc) => oc.column("tradeId").doNothing())
            .execute();
        }
        await trx
          .insertInto("shadowEquity")
          .values({
            session: run.session,
            strategyId: run.strategyId,
            time: run.stepClose,
            equity: run.equity,
            liveEquity,
          })
          .onConflict((oc) => oc.columns(["session", "strategyId", "time"]).doNothing())
          .execute();
      }
    });
  }

  /** The runs of a session (to resume them), or of a strategy across sessions (to show it). */
  async runs(filter: { session?: string; strategyId?: string } = {}): Promise<ShadowRunRecord[]> {
    let query = this.#db.selectFrom("shadowRuns").selectAll();
    if (filter.session !== undefined) query = query.where("session", "=", filter.session);
    if (filter.strategyId !== undefined) query = query.where("strategyId", "=", filter.strategyId);
    const rows = await query.orderBy("session").orderBy("strategyId").execute();
    return rows.map((row) => ({ ...row, ready: row.ready === 1 }));
  }

  async trades(strategyId: string, session?: string): Promise<(ShadowTradeRecord & { session: string })[]> {
    let query = this.#db.selectFrom("shadowTrades").selectAll().where("strategyId", "=", strategyId);
    if (session !== undefined) query = query.where("session", "=", session);
    const rows = await query.orderBy("id").execute();
    return rows.map((row) => ({
      tradeId: row.tradeId,
      session: row.session,
      symbol: row.symbol,
      side: row.side as "long" | "short",
      qty: row.qty,
      entryTime: row.entryTime,
      entryPrice: row.entryPrice,
      exitTime: row.exitTime,
      exitPrice: row.exitPrice,
      pnl: row.pnl,
      fees: row.fees,
      ...(row.exitReason !== null ? { exitReason: row.exitReason } : {}),
    }));
  }

  async equity(
    strategyId: string,
    session?: string,
  ): Promise<{ session: string; time: number; equity: number; liveEquity: number }[]> {
    let query = this.#db
      .selectFrom("shadowEquity")
      .select(["session", "time", "equity", "liveEquity"])
      .where("strategyId", "=", strategyId);
    if (session !== undefined) query = query.where("session", "=", session);
    return query.orderBy("time").execute();
  }
}
