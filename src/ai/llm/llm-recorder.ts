/**
 * Where the bridge stores each exchange. The ai layer does not import the store: the CLI passes
 * `{ record: (e) => store.llm.insert(e) }`, whose row (`LlmExchange` in src/store/repositories/llm.ts) has exactly
 * these fields.
 */
export interface LlmExchangeRecord {
  readonly time: number;
  readonly role: string;
  readonly model: string;
  /** The messages sent, each under its role: `[system] … [user] …`. */
  readonly prompt: string;
  readonly response?: string;
  readonly latencyMs: number;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly costUsd?: number;
  /** `failure: detail` when there was no usable answer. */
  readonly error?: string;
  readonly decisionKey?: string;
}

export interface LlmRecorder {
  /** Stores one exchange and returns its id. */
  record(exchange: LlmExchangeRecord): Promise<number>;
}

/** Keeps the exchanges in memory (tests, and a run without a store). */
export class MemoryLlmRecorder implements LlmRecorder {
  readonly exchanges: (LlmExchangeRecord & { id: number })[] = [];
  async record(exchange: LlmExchangeRecord): Promise<number> {
    const id = this.exchanges.length + 1;
    this.exchanges.push({ ...exchange, id });
    return id;
  }
}
