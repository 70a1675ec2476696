import {
  STRATEGY_STATUSES,
  type StrategyStatus,
  type StrategyTransition,
  type TransitionNumbers,
} from "../../domain/strategy-status.js";
import { type Db, fromJson, inTransaction, toJson } from "./shared.js";

export { STRATEGY_STATUSES, type StrategyStatus, type StrategyTransition };

export interface StrategyInput {
  readonly id: string;
  readonly name: string;
  /** Who made it: `builtin`, `user`, `evolver`, `llm` … */
  readonly source: string;
  readonly spec: unknown;
}

export interface StrategyRecord extends StrategyInput {
  readonly status: StrategyStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export class StrategiesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Adds a strategy with status "generated" (and records that first transition), or updates the name, source
   * and spec of an existing one without touching its status.
   */
  upsert(strategy: StrategyInput, by: string, time: number): Promise<StrategyRecord> {
    return inTransaction(this.#db, async (trx) => {
      const existing = await trx.selectFrom("strategies").select("id").where("id", "=", strategy.id).executeTakeFirst();
      const values = { name: strategy.name, source: strategy.source, spec: toJson(strategy.spec), updatedAt: time };
      if (existing) {
        await trx.updateTable("strategies").set(values).where("id", "=", strategy.id).execute();
      } else {
        await trx
          .insertInto("strategies")
          .values({ id: strategy.id, status: "generated", createdAt: time, ...values })
          .execute();
        await trx
          .insertInto("strategyTransitions")
          .values({ strategyId: strategy.id, fromStatus: null, toStatus: "generated", by, reason: "created", time })
          .execute();
      }
      const record = await new StrategiesRepository(trx).get(strategy.id);
      if (record === undefined) throw new Error(`strategy ${strategy.id} vanished inside its own transaction`);
      return record;
    });
  }

  /**
   * Moves a strategy to `to` and records who did it and why, in one transaction. With `expectedFrom`, only if the
   * strategy is still in that status (so two approvals racing cannot both pass).
   */
  async transition(
    id: string,
    to: StrategyStatus,
    by: string,
    reason: string,
    time: number,
    expectedFrom?: StrategyStatus,
    numbers?: TransitionNumbers,
  ): Promise<StrategyTransition> {
    if (!STRATEGY_STATUSES.includes(to)) throw new Error(`unknown strategy status ${to}`);
    if (by.trim() === "") throw new Error("a strategy transition needs the name of who made it");
    return inTransaction(this.#db, async (trx) => {
      const row = await trx.selectFrom("strategies").select("status").where("id", "=", id).executeTakeFirst();
      if (row === undefined) throw new Error(`no strategy with id ${id}`);
      if (expectedFrom !== undefined && row.status !== expectedFrom) {
        throw new Error(`strategy ${id} is ${row.status}, not ${expectedFrom}: someone moved it first`);
      }
      await trx.updateTable("strategies").set({ status: to, updatedAt: time }).where("id", "=", id).execute();
      await trx
        .insertInto("strategyTransitions")
        .values({
          strategyId: id,
          fromStatus: row.status,
          toStatus: to,
          by,
          reason,
          time,
          numbers: numbers === undefined ? null : toJson(numbers),
        })
        .execute();
      return {
        strategyId: id,
        fromStatus: row.status as StrategyStatus,
        toStatus: to,
        by,
        reason,
        time,
        ...(numbers !== undefined ? { numbers } : {}),
      };
    });
  }

  async get(id: string): Promise<StrategyRecord | undefined> {
    const row = await this.#db.selectFrom("strategies").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(status?: StrategyStatus): Promise<StrategyRecord[]> {
    let query = this.#db.selectFrom("strategies").selectAll();
    if (status !== undefined) query = query.where("status", "=", status);
    return (await query.orderBy("id").execute()).map(toRecord);
  }

  async transitions(id: string): Promise<StrategyTransition[]> {
    const rows = await this.#db
      .selectFrom("strategyTransitions")
      .selectAll()
      .where("strategyId", "=", id)
      .orderBy("id")
      .execute();
    return rows.map((row) => ({
      strategyId: row.strategyId,
      toStatus: row.toStatus as StrategyStatus,
      by: row.by,
      reason: row.reason,
      time: row.time,
      ...(row.fromStatus !== null ? { fromStatus: row.fromStatus as StrategyStatus } : {}),
      ...(row.numbers !== null ? { numbers: fromJson<TransitionNumbers>(row.numbers) } : {}),
    }));
  }
}

function toRecord(row: {
  id: string;
  name: string;
  status: string;
  source: string;
  spec: string;
  createdAt: number;
  updatedAt: number;
}): StrategyRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status as StrategyStatus,
    source: row.source,
    spec: fromJson(row.spec),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
