import type { LlmRole } from "../../ai/llm/llm-bridge.js";
import type { LlmReplayStore, RecordedAnswer, RecordedOutcome } from "../../ai/llm/replay-cache.js";
import type { Db } from "./shared.js";

/** The LLM replay cache (table `llm_replay`, migration 006): the first answer recorded for a prompt hash wins. */
export class LlmReplayRepository implements LlmReplayStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async get(key: string): Promise<RecordedAnswer | undefined> {
    const row = await this.#db.selectFrom("llmReplay").selectAll().where("key", "=", key).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      key: row.key,
      role: row.role as LlmRole,
      model: row.model,
      schemaName: row.schemaName,
      asOf: Number(row.asOf),
      outcome: JSON.parse(row.answer) as RecordedOutcome,
      recordedAt: Number(row.recordedAt),
    };
  }

  async put(answer: RecordedAnswer): Promise<void> {
    await this.#db
      .insertInto("llmReplay")
      .values({
        key: answer.key,
        role: answer.role,
        model: answer.model,
        schemaName: answer.schemaName,
        asOf: answer.asOf,
        answer: JSON.stringify(answer.outcome),
        recordedAt: answer.recordedAt,
      })
      .onConflict((conflict) => conflict.column("key").doNothing())
      .execute();
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom("llmReplay")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
