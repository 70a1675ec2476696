import { createHash } from "node:crypto";
import type { LlmAnswer, LlmAsk, LlmBridge, LlmFailure, LlmRole, LlmRoleStatus } from "./llm-bridge.js";

/**
 * The cache key of one question: a SHA-256 of (role, model, system prompt, user prompt, schema name). The same
 * question to the same model replays the same answer; change any of them and it is a different question.
 */
export function replayKey(parts: {
  readonly role: LlmRole;
  readonly model: string;
  readonly system: string;
  readonly user: string;
  readonly schemaName: string;
}): string {
  const text = JSON.stringify([parts.role, parts.model, parts.system, parts.user, parts.schemaName]);
  return createHash("sha256").update(text).digest("hex");
}

/** An answer as recorded: a value (before the schema saw it again on replay) or the failure that meant no vote. */
export type RecordedOutcome =
  | { readonly ok: true; readonly value: unknown; readonly model: string; readonly latencyMs: number }
  | { readonly ok: false; readonly failure: LlmFailure; readonly detail: string };

export interface RecordedAnswer {
  readonly key: string;
  readonly role: LlmRole;
  readonly model: string;
  readonly schemaName: string;
  /** The bar the question was about. */
  readonly asOf: number;
  readonly outcome: RecordedOutcome;
  /** Wall-clock time of the recording (Unix ms). */
  readonly recordedAt: number;
}

/** Where recorded answers persist: the store's `llm_replay` table (migration 006) or memory in tests. */
export interface LlmReplayStore {
  get(key: string): Promise<RecordedAnswer | undefined>;
  /** Keeps the first answer of a key: a question asked twice while recording replays its first answer. */
  put(answer: RecordedAnswer): Promise<void>;
}

export class MemoryReplayStore implements LlmReplayStore {
  readonly answers = new Map<string, RecordedAnswer>();
  async get(key: string): Promise<RecordedAnswer | undefined> {
    return this.answers.get(key);
  }
  async put(answer: RecordedAnswer): Promise<void> {
    if (!this.answers.has(answer.key)) this.answers.set(answer.key, answer);
  }
}

/** "record": ask the model and keep every answer (paper trading); "replay": answer only from the cache (backtests). */
export type ReplayMode = "record" | "replay";

export interface ReplayCacheOptions {
  readonly mode: ReplayMode;
  readonly store: LlmReplayStore;
  /**
   * The model that answers a role (part of the key). Default: the inner bridge's status. In replay mode without an
   * inner bridge it must be given (from the configuration the recording ran with).
   */
  readonly modelOf?: (role: LlmRole) => string | undefined;
  readonly now?: () => number;
}

/**
 * A decorator of LlmBridge that makes a run with a language model reproducible. Recording keeps every answer,
 * failures included (a timeout in paper trading was "no vote" there and must be "no vote" in the replay). Replaying
 * never calls the model: a question that was not recorded is the failure "replay-miss", so a backtest that drifted
 * from the recording (another prompt, another model) says so instead of quietly asking a live model.
 */
export class ReplayCacheBridge implements LlmBridge {
  readonly mode: ReplayMode;
  readonly #inner: LlmBridge | undefined;
  readonly #store: LlmReplayStore;
  readonly #modelOf: (role: LlmRole) => string | undefined;
  readonly #now: () => number;
  /** Answers served from the cache and questions it did not know, for the run's summary. */
  hits = 0;
  misses = 0;
  /** The last error of the store while recording (the answer still went to the caller). */
  lastRecordError: string | undefined;

  constructor(inner: LlmBridge | undefined, options: ReplayCacheOptions) {
    if (options.mode === "record" && inner === undefined) {
      throw new Error("LLM replay cache: recording needs a bridge to a model");
    }
    this.mode = options.mode;
    this.#inner = options.mode === "record" ? inner : undefined;
    this.#store = options.store;
    this.#modelOf =
      options.modelOf ?? ((role) => inner?.status().find((s) => s.role === role && s.enabled)?.model ?? undefined);
    this.#now = options.now ?? Date.now;
  }

  enabled(role: LlmRole): boolean {
    return this.mode === "record" ? (this.#inner as LlmBridge).enabled(role) : this.#modelOf(role) !== undefined;
  }

  status(): readonly LlmRoleStatus[] {
    if (this.#inner !== undefined) return this.#inner.status();
    return (["advisor", "auditor", "architect", "hypothesis", "sentiment"] as const).map((role) => {
      const model = this.#modelOf(role);
      return model === undefined
        ? { role, enabled: false, healthy: true }
        : { role, enabled: true, model, endpoint: "replay cache", healthy: true };
    });
  }

  async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
    const model = this.#modelOf(request.role);
    if (model === undefined) {
      return { ok: false, failure: "off", detail: `${request.role}: no model configured` };
    }
    const key = replayKey({ ...request, model });
    if (this.mode === "replay") return this.#replay(request, key, model);
    const answer = await (this.#inner as LlmBridge).ask(request);
    const outcome: RecordedOutcome = answer.ok
      ? { ok: true, value: answer.value, model: answer.model, latencyMs: answer.latencyMs }
      : { ok: false, failure: answer.failure, detail: answer.detail };
    try {
      await this.#store.put({
        key,
        role: request.role,
        model,
        schemaName: request.schemaName,
        asOf: request.asOf,
        outcome,
        recordedAt: this.#now(),
      });
    } catch (error) {
      this.lastRecordError = `${request.role}: answer not recorded: ${error instanceof Error ? error.message : String(error)}`;
    }
    return answer;
  }

  async #replay<T>(request: LlmAsk<T>, key: string, model: string): Promise<LlmAnswer<T>> {
    const recorded = await this.#store.get(key);
    if (recorded === undefined) {
      this.misses++;
      return {
        ok: false,
        failure: "replay-miss",
        detail: `${request.role}: no recorded answer of ${model} for this prompt (key ${key.slice(0, 12)}…, bar ${new Date(request.asOf).toISOString()}); replay never asks a live model`,
      };
    }
    this.hits++;
    const { outcome } = recorded;
    if (!outcome.ok) return { ok: false, failure: outcome.failure, detail: `${outcome.detail} (replayed)` };
    // The schema checks the stored value again: a cache edited by hand or written by an older schema is not trusted.
    const parsed = request.schema.safeParse(outcome.value);
    if (!parsed.success) {
      return {
        ok: false,
        failure: "invalid",
        detail: `${request.role}: recorded answer no longer matches schema ${request.schemaName}: ${parsed.error.message}`,
      };
    }
    return {
      ok: true,
      value: parsed.data,
      model: outcome.model,
      latencyMs: outcome.latencyMs,
      contaminated: false,
      replayed: true,
    };
  }
}
