import type { z } from "zod";

/**
 * The contract between the language-model roles (advisor, auditor, architect, hypothesis generator, sentiment) and
 * the one client that talks to an OpenAI-compatible or Ollama endpoint. A role asks a question with a zod schema
 * and gets either a validated value or a failure that it treats as "no vote": a model never decides alone, and a
 * model that is off, down, slow or talking nonsense never stops trading.
 */
export type LlmRole = "advisor" | "auditor" | "architect" | "hypothesis" | "sentiment";

export const LLM_ROLES: readonly LlmRole[] = ["advisor", "auditor", "architect", "hypothesis", "sentiment"];

export interface LlmAsk<T> {
  readonly role: LlmRole;
  /** The role's instructions; never contains market text from outside (headlines go in `user`, fenced). */
  readonly system: string;
  readonly user: string;
  /** Every answer is parsed as JSON and validated against this schema before anyone sees it. */
  readonly schema: z.ZodType<T>;
  /** Name of the JSON schema sent to servers that support structured output (JSON schema / JSON mode). */
  readonly schemaName: string;
  /**
   * The market instant the question is about (the bar's time, Unix ms). The contamination guard compares it with
   * the model's declared training cutoff: a model asked about bars it may have seen in training is refused unless
   * the user forced it, and a forced answer is labelled contaminated.
   */
  readonly asOf: number;
  /** Links the stored exchange to the decision it influenced (decision records use the same key). */
  readonly decisionKey?: string;
  /** Fires when the answer is no longer wanted (a vote's deadline passed, shutdown). */
  readonly signal?: AbortSignal;
}

/** Why there is no answer. Every one of them means "no vote" to the role that asked. */
export type LlmFailure =
  | "off" // no model configured for the role (the embedded default)
  | "down" // connection refused, 5xx after retries, circuit open while backing off
  | "timeout" // no answer within the role's timeout
  | "rate-limited" // 429 after retries
  | "invalid" // not JSON or not the schema, also after the one repair attempt
  | "refused" // the model declined to answer
  | "contaminated" // the bar is before the model's training cutoff and the user did not force it
  | "aborted"; // the caller's signal fired

export type LlmAnswer<T> =
  | {
      readonly ok: true;
      readonly value: T;
      readonly model: string;
      readonly latencyMs: number;
      /** True when the model was consulted on a bar before its training cutoff because the user forced it. */
      readonly contaminated: boolean;
      /** True when the answer came from the replay cache instead of the endpoint. */
      readonly replayed: boolean;
      /** Id of the stored exchange, when a recorder is attached. */
      readonly exchangeId?: number;
    }
  | {
      readonly ok: false;
      readonly failure: LlmFailure;
      /** A plain sentence naming what went wrong ("advisor: answer is not JSON: 'BUY!!!'"). */
      readonly detail: string;
      readonly exchangeId?: number;
    };

export interface LlmRoleStatus {
  readonly role: LlmRole;
  /** False when no model is configured for the role: the status says "off", and everything else works. */
  readonly enabled: boolean;
  readonly model?: string;
  readonly endpoint?: string;
  /** False while the endpoint is failing (the readiness check shows it); true again after one good answer. */
  readonly healthy: boolean;
  readonly lastError?: string;
  /** When the next real call is allowed while backing off (Unix ms). */
  readonly retryAt?: number;
  /** The model's declared training cutoff (Unix ms, start of the day UTC), for the contamination guard. */
  readonly trainingCutoff?: number;
}

export interface LlmBridge {
  ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>>;
  enabled(role: LlmRole): boolean;
  status(): readonly LlmRoleStatus[];
}
