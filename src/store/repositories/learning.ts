import { type Db, fromJson, orNull, toJson } from "./shared.js";

/** Rows of Algo Trading Lab's ai_learning.db, in Aegis' store. Times are Unix ms. */
export interface LearningTrade {
  readonly time: number;
  readonly symbol: string;
  readonly action: string;
  readonly entryPrice: number;
  readonly exitPrice?: number;
  readonly pnl?: number;
  readonly pnlPct?: number;
  readonly regime?: string;
  readonly strategyId?: string;
  readonly indicators: Readonly<Record<string, number>>;
  /** "WIN" | "LOSS" once closed. */
  readonly outcome?: string;
}

export interface StrategyPerformance {
  readonly time: number;
  readonly strategyId: string;
  readonly regime?: string;
  readonly trades: number;
  readonly winRate?: number;
  readonly avgPnl?: number;
  readonly sharpeRatio?: number;
  readonly maxDrawdown?: number;
  readonly profitFactor?: number;
}

export interface OptimizationResult {
  readonly time: number;
  readonly symbol: string;
  readonly regime?: string;
  readonly strategyId?: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly sharpeRatio?: number;
  readonly winRate?: number;
  readonly detail?: unknown;
}

export interface EvolvedStrategy {
  readonly time: number;
  readonly generation: number;
  readonly fitness: number;
  readonly genes: unknown;
  readonly regime?: string;
  readonly isActive: boolean;
}

export interface RlExperience {
  readonly time: number;
  readonly agent: string;
  readonly state: readonly number[];
  readonly action: number;
  readonly reward: number;
  readonly nextState: readonly number[];
  readonly done: boolean;
}

export interface RegimeTransition {
  readonly time: number;
  readonly symbol: string;
  readonly fromRegime?: string;
  readonly toRegime: string;
  readonly indicators: Readonly<Record<string, number>>;
}

type Omitted<T> = { [K in keyof T]: Exclude<T[K], null> };
/** Drops the id and null columns of a row, so what comes back has the shape that went in. */
function clean<T>(row: Record<string, unknown>, json: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "id" || value === null) continue;
    out[key] = json.includes(key) ? fromJson(value as string) : value;
  }
  return out as Omitted<T> as T;
}

export class LearningRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async insertTrade(trade: LearningTrade): Promise<void> {
    await this.#db
      .insertInto("learningTrades")
      .values({
        time: trade.time,
        symbol: trade.symbol,
        action: trade.action,
        entryPrice: trade.entryPrice,
        exitPrice: orNull(trade.exitPrice),
        pnl: orNull(trade.pnl),
        pnlPct: orNull(trade.pnlPct),
        regime: orNull(trade.regime),
        strategyId: orNull(trade.strategyId),
        indicators: toJson(trade.indicators),
        outcome: orNull(trade.outcome),
      })
      .execute();
  }

  async trades(symbol?: string): Promise<LearningTrade[]> {
    let query = this.#db.selectFrom("learningTrades").selectAll();
    if (symbol !== undefined) query = query.where("symbol", "=", symbol);
    return (await query.orderBy("time").orderBy("id").execute()).map((r) => clean(r, ["indicators"]));
  }

  async insertStrategyPerformance(row: StrategyPerformance): Promise<void> {
    await this.#db
      .insertInto("strategyPerformance")
      .values({
        time: row.time,
        strategyId: row.strategyId,
        regime: orNull(row.regime),
        trades: row.trades,
        winRate: orNull(row.winRate),
        avgPnl: orNull(row.avgPnl),
        sharpeRatio: orNull(row.sharpeRatio),
        maxDrawdown: orNull(row.maxDrawdown),
        profitFactor: orNull(row.profitFactor),
      })
      .execute();
  }

  async strategyPerformance(strategyId?: string): Promise<StrategyPerformance[]> {
    let query = this.#db.selectFrom("strategyPerformance").selectAll();
    if (strategyId !== undefined) query = query.where("strategyId", "=", strategyId);
    return (await query.orderBy("time").orderBy("id").execute()).map((r) => clean(r, []));
  }

  async insertOptimizationResult(row: OptimizationResult): Promise<void> {
    await this.#db
      .insertInto("optimizationResults")
      .values({
        time: row.time,
        symbol: row.symbol,
        regime: orNull(row.regime),
        strategyId: orNull(row.strategyId),
        parameters: toJson(row.parameters),
        sharpeRatio: orNull(row.sharpeRatio),
        winRate: orNull(row.winRate),
        detail: row.detail === undefined ? null : toJson(row.detail),
      })
      .execute();
  }

  async optimizationResults(symbol?: string): Promise<OptimizationResult[]> {
    let query = this.#db.selectFrom("optimizationResults").selectAll();
    if (symbol !== undefined) query = query.where("symbol", "=", symbol);
    return (await query.orderBy("time").orderBy("id").execute()).map((r) => clean(r, ["parameters", "detail"]));
  }

  async insertEvolvedStrategy(row: EvolvedStrategy): Promise<void> {
    await this.#db
      .insertInto("evolvedStrategies")
      .values({
        time: row.time,
        generation: row.generation,
        fitness: row.fitness,
        genes: toJson(row.genes),
        regime: orNull(row.regime),
        isActive: row.isActive ? 1 : 0,
      })
      .execute();
  }

  async evolvedStrategies(options: { activeOnly?: boolean } = {}): Promise<EvolvedStrategy[]> {
    let query = this.#db.selectFrom("evolvedStrategies").selectAll();
    if (options.activeOnly) query = query.where("isActive", "=", 1);
    const rows = await query.orderBy("generation").orderBy("id").execute();
    return rows.map((r) => ({ ...clean<EvolvedStrategy>(r, ["genes"]), isActive: r.isActive === 1 }));
  }

  async insertRlExperience(row: RlExperience): Promise<void> {
    await this.#db
      .insertInto("rlExperiences")
      .values({
        time: row.time,
        agent: row.agent,
        state: toJson(row.state),
        action: row.action,
        reward: row.reward,
        nextState: toJson(row.nextState),
        done: row.done ? 1 : 0,
      })
      .execute();
  }

  /** The newest `limit` experiences of an agent, oldest first: a replay buffer that survives restarts. */
  async rlExperiences(agent: string, limit = 10_000): Promise<RlExperience[]> {
    const rows = await this.#db
      .selectFrom("rlExperiences")
      .selectAll()
      .where("agent", "=", agent)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({ ...clean<RlExperience>(r, ["state", "nextState"]), done: r.done === 1 }));
  }

  async insertRegimeTransition(row: RegimeTransition): Promise<void> {
    await this.#db
      .insertInto("regimeTransitions")
      .values({
        time: row.time,
        symbol: row.symbol,
        fromRegime: orNull(row.fromRegime),
        toRegime: row.toRegime,
        indicators: toJson(row.indicators),
      })
      .execute();
  }

  async regimeTransitions(symbol?: string): Promise<RegimeTransition[]> {
    let query = this.#db.selectFrom("regimeTransitions").selectAll();
    if (symbol !== undefined) query = query.where("symbol", "=", symbol);
    return (await query.orderBy("time").orderBy("id").execute()).map((r) => clean(r, ["indicators"]));
  }
}
