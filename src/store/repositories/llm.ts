import type { LlmExchangeRecord } from "../../ai/llm/llm-recorder.js";
import { type Db, orNull, type TimeRange } from "./shared.js";

/**
 * One prompt and its answer (or error), as principle 4 asks: latency, tokens and cost with it. The bridge's record
 * type (the ai layer cannot import the store, so the store takes the bridge's shape).
 */
export type LlmExchange = LlmExchangeRecord;

export class LlmRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async insert(exchange: LlmExchange): Promise<number> {
    const row = await this.#db
      .insertInto("llmExchanges")
      .values({
        time: exchange.time,
        role: exchange.role,
        model: exchange.model,
        prompt: exchange.prompt,
        response: orNull(exchange.response),
        latencyMs: exchange.latencyMs,
        promptTokens: orNull(exchange.promptTokens),
        completionTokens: orNull(exchange.completionTokens),
        costUsd: orNull(exchange.costUsd),
        error: orNull(exchange.error),
        decisionKey: orNull(exchange.decisionKey),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async range(range: TimeRange = {}): Promise<(LlmExchange & { id: number })[]> {
    let query = this.#db.selectFrom("llmExchanges").selectAll();
    if (range.from !== undefined) query = query.where("time", ">=", range.from);
    if (range.to !== undefined) query = query.where("time", "<=", range.to);
    const rows = await query.orderBy("time").orderBy("id").execute();
    return rows.map((row) => {
      const optional = Object.entries(row).filter(([, v]) => v !== null);
      return Object.fromEntries(optional) as unknown as LlmExchange & { id: number };
    });
  }
}
