import { setTimeout as sleepFor } from "node:timers/promises";
import { z } from "zod";
import {
  type ChatMessage,
  type ChatReply,
  type ChatTransport,
  openAiTransport,
  type StructuredMode,
  TransportError,
} from "./chat-transport.js";
import {
  LLM_ROLES,
  type LlmAnswer,
  type LlmAsk,
  type LlmBridge,
  type LlmFailure,
  type LlmRole,
  type LlmRoleStatus,
} from "./llm-bridge.js";
import type { ResolvedLlmRole } from "./llm-config.js";
import type { LlmExchangeRecord, LlmRecorder } from "./llm-recorder.js";
import { ollamaNativeTransport } from "./ollama-native-transport.js";
import { parseAnswer, quote } from "./parse-answer.js";
import { type BackoffPolicy, type HealthChange, RoleHealth } from "./role-health.js";

export interface ChatLlmBridgeOptions {
  /** The roles with a model (from `resolveLlmRoles`); every other role is off. */
  readonly roles: ReadonlyMap<LlmRole, ResolvedLlmRole>;
  /** Stores every prompt with its answer or error; the ai layer knows only this interface, the CLI wires the store. */
  readonly recorder?: LlmRecorder;
  readonly onRecordError?: (error: unknown) => void;
  /** Called once when a role goes down and once when it recovers, never per call (the CLI raises an ALERT). */
  readonly onHealthChange?: (role: LlmRole, change: HealthChange) => void;
  readonly now?: () => number;
  /** Waits between retries; must end early (reject) when the signal fires. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A signal that fires after the role's timeout; tests fire it themselves. */
  readonly timeoutSignal?: (ms: number) => AbortSignal;
  readonly backoff?: BackoffPolicy;
  /** First wait between retries of one request (doubling); a Retry-After above `retryCapMs` is not waited for. */
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
}

type Exchange =
  | {
      readonly ok: true;
      readonly reply: ChatReply;
      readonly exchangeId: number | undefined;
      readonly latencyMs: number;
    }
  | {
      readonly ok: false;
      readonly failure: LlmFailure;
      readonly detail: string;
      readonly exchangeId: number | undefined;
    };

/**
 * The bridge to the models: one OpenAI-compatible client per role (or Ollama's native API), structured output
 * validated with zod and one repair attempt, every exchange recorded, retries with backoff and a circuit per role.
 * Whatever the endpoint does, `ask` resolves with a value or a failure; it never throws.
 */
export class ChatLlmBridge implements LlmBridge {
  readonly #roles: ReadonlyMap<LlmRole, ResolvedLlmRole>;
  readonly #transports = new Map<LlmRole, ChatTransport>();
  readonly #health = new Map<LlmRole, RoleHealth>();
  /** The structured-output mode each role's server accepted (stepped down after a 400 about the format). */
  readonly #modes = new Map<LlmRole, StructuredMode>();
  readonly #options: ChatLlmBridgeOptions;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #timeoutSignal: (ms: number) => AbortSignal;

  constructor(options: ChatLlmBridgeOptions) {
    this.#options = options;
    this.#roles = options.roles;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.#timeoutSignal = options.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms));
    for (const [role, config] of options.roles) {
      this.#transports.set(
        role,
        config.provider === "ollama-native"
          ? ollamaNativeTransport({ host: config.endpoint, keepAlive: config.keepAlive })
          : openAiTransport({ baseUrl: config.endpoint, apiKey: config.apiKey, timeoutMs: config.timeoutMs }),
      );
      this.#health.set(role, new RoleHealth(options.backoff));
      this.#modes.set(role, config.structuredOutput);
    }
  }

  enabled(role: LlmRole): boolean {
    return this.#roles.has(role);
  }

  status(): readonly LlmRoleStatus[] {
    return LLM_ROLES.map((role): LlmRoleStatus => {
      const config = this.#roles.get(role);
      const health = this.#health.get(role);
      if (!config || !health) return { role, enabled: false, healthy: true };
      return {
        role,
        enabled: true,
        model: config.model,
        endpoint: config.endpoint,
        healthy: health.healthy,
        ...(health.lastError !== undefined ? { lastError: health.lastError } : {}),
        ...(health.retryAt !== undefined ? { retryAt: health.retryAt } : {}),
        ...(config.trainingCutoff !== undefined ? { trainingCutoff: config.trainingCutoff } : {}),
      };
    });
  }

  async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
    const { role } = request;
    const config = this.#roles.get(role);
    const health = this.#health.get(role);
    if (!config || !health) return { ok: false, failure: "off", detail: `${role}: no model configured` };
    if (request.signal?.aborted) return { ok: false, failure: "aborted", detail: `${role}: the caller gave up` };
    const now = this.#now();
    if (health.backingOff(now)) {
      const at = new Date(health.retryAt as number).toISOString();
      return {
        ok: false,
        failure: "down",
        detail: `${role}: backing off until ${at} (last error: ${health.lastError})`,
      };
    }
    const schema = z.toJSONSchema(request.schema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;
    delete schema.$schema;
    const messages: ChatMessage[] = [
      {
        role: "system",
        content: `${request.system}\n\nAnswer with one JSON object and nothing else, matching this JSON schema:\n${JSON.stringify(schema)}`,
      },
      { role: "user", content: request.user },
    ];
    const first = await this.#exchange(config, health, messages, schema, request);
    if (!first.ok) return { ok: false, failure: first.failure, detail: first.detail, ...id(first.exchangeId) };
    const read = this.#read(first.reply, request.schema);
    if (read.ok || read.kind === "refused") return this.#answer(role, config, first, read);
    // One repair: the model sees its answer and what is wrong with it.
    const repair: ChatMessage[] = [
      ...messages,
      { role: "assistant", content: first.reply.text },
      {
        role: "user",
        content: `That answer cannot be used: ${read.detail}. Answer again with only the JSON object matching the schema.`,
      },
    ];
    const second = await this.#exchange(config, health, repair, schema, request);
    if (!second.ok) return { ok: false, failure: second.failure, detail: second.detail, ...id(second.exchangeId) };
    const reread = this.#read(second.reply, request.schema);
    if (!reread.ok && reread.kind === "invalid")
      return this.#answer(role, config, second, {
        ok: false,
        kind: "invalid",
        detail: `${reread.detail} (after one repair; first: ${read.detail})`,
      });
    return this.#answer(role, config, second, reread);
  }

  #read<T>(reply: ChatReply, schema: z.ZodType<T>) {
    if (reply.refusal)
      return { ok: false as const, kind: "refused" as const, detail: `refused: ${quote(reply.refusal)}` };
    return parseAnswer(reply.text, schema);
  }

  #answer<T>(
    role: LlmRole,
    config: ResolvedLlmRole,
    exchange: Exchange & { ok: true },
    read: ReturnType<typeof parseAnswer<T>>,
  ): LlmAnswer<T> {
    if (!read.ok) {
      this.#health.get(role)?.noted(`${read.kind}: ${read.detail}`);
      return { ok: false, failure: read.kind, detail: `${role}: ${read.detail}`, ...id(exchange.exchangeId) };
    }
    return {
      ok: true,
      value: read.value,
      model: config.model,
      latencyMs: exchange.latencyMs,
      contaminated: false,
      replayed: false,
      ...id(exchange.exchangeId),
    };
  }

  /** One request with its retries, the timeout and the format step-down; recorded once with its outcome. */
  async #exchange(
    config: ResolvedLlmRole,
    health: RoleHealth,
    messages: readonly ChatMessage[],
    schema: Record<string, unknown>,
    request: LlmAsk<unknown>,
  ): Promise<Exchange> {
    const role = config.role;
    const transport = this.#transports.get(role) as ChatTransport;
    const timeout = this.#timeoutSignal(config.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const started = this.#now();
    let attempt = 0;
    let outcome: Exchange;
    for (;;) {
      try {
        const mode = this.#modes.get(role) ?? "none";
        const reply = await transport.chat({
          model: config.model,
          messages,
          temperature: config.temperature,
          maxTokens: config.maxTokens,
          structured: { mode, name: request.schemaName, schema },
          stream: config.stream,
          signal,
        });
        outcome = { ok: true, reply, exchangeId: undefined, latencyMs: this.#now() - started };
        this.#changed(role, health.succeeded(this.#now()));
        break;
      } catch (caught) {
        const error = caught instanceof TransportError ? caught : new TransportError("down", String(caught));
        if (error.kind === "unsupported-format") {
          const mode = this.#modes.get(role);
          this.#modes.set(role, mode === "json_schema" ? "json_object" : "none");
          continue;
        }
        const ended = this.#ended(role, config, request.signal, timeout, error);
        const wait = error.retryAfterMs ?? (this.#options.retryBaseMs ?? 1000) * 2 ** attempt;
        if (
          ended === undefined &&
          error.retryable &&
          attempt < config.maxRetries &&
          wait <= (this.#options.retryCapMs ?? 30_000)
        ) {
          attempt++;
          try {
            await this.#sleep(wait, signal);
            continue;
          } catch {
            outcome =
              this.#ended(role, config, request.signal, timeout, error) ?? failure("aborted", `${role}: aborted`);
            break;
          }
        }
        outcome =
          ended ??
          failure(
            error.kind === "rate-limited" ? "rate-limited" : "down",
            `${role}: ${error.message}${attempt > 0 ? ` (after ${attempt} retr${attempt === 1 ? "y" : "ies"})` : ""}`,
          );
        if (outcome.ok === false && outcome.failure !== "aborted")
          this.#changed(role, health.failed(this.#now(), outcome.detail, error.retryAfterMs));
        break;
      }
    }
    const exchangeId = await this.#record(config, messages, outcome, started, request.decisionKey);
    return { ...outcome, exchangeId };
  }

  /** The failure when the caller or the timeout ended the request, else undefined. */
  #ended(
    role: LlmRole,
    config: ResolvedLlmRole,
    caller: AbortSignal | undefined,
    timeout: AbortSignal,
    error: TransportError,
  ) {
    if (caller?.aborted) return failure("aborted", `${role}: the caller gave up`);
    if (timeout.aborted) return failure("timeout", `${role}: no answer within ${config.timeoutMs / 1000} s`);
    if (error.kind === "aborted") return failure("aborted", `${role}: aborted`);
    return undefined;
  }

  #changed(role: LlmRole, change: HealthChange | undefined): void {
    if (change) this.#options.onHealthChange?.(role, change);
  }

  async #record(
    config: ResolvedLlmRole,
    messages: readonly ChatMessage[],
    outcome: Exchange,
    started: number,
    decisionKey: string | undefined,
  ): Promise<number | undefined> {
    const recorder = this.#options.recorder;
    if (!recorder) return undefined;
    const reply = outcome.ok ? outcome.reply : undefined;
    const record: LlmExchangeRecord = {
      time: started,
      role: config.role,
      model: config.model,
      prompt: messages.map((m) => `[${m.role}]\n${m.content}`).join("\n\n"),
      latencyMs: this.#now() - started,
      ...(reply ? { response: reply.refusal ? `[refusal] ${reply.refusal}` : reply.text } : {}),
      ...(reply?.promptTokens !== undefined ? { promptTokens: reply.promptTokens } : {}),
      ...(reply?.completionTokens !== undefined ? { completionTokens: reply.completionTokens } : {}),
      ...costOf(config, reply),
      ...(outcome.ok ? {} : { error: `${outcome.failure}: ${outcome.detail}` }),
      ...(decisionKey !== undefined ? { decisionKey } : {}),
    };
    try {
      return await recorder.record(record);
    } catch (error) {
      this.#options.onRecordError?.(error);
      return undefined;
    }
  }
}

function failure(kind: LlmFailure, detail: string): Exchange & { ok: false } {
  return { ok: false, failure: kind, detail, exchangeId: undefined };
}

function id(exchangeId: number | undefined): { exchangeId?: number } {
  return exchangeId === undefined ? {} : { exchangeId };
}

/** The cost estimate from the role's prices per 1,000 tokens, when it has prices and the server counted tokens. */
function costOf(config: ResolvedLlmRole, reply: ChatReply | undefined): { costUsd?: number } {
  if (!reply || (config.costPer1kPromptUsd === undefined && config.costPer1kCompletionUsd === undefined)) return {};
  if (reply.promptTokens === undefined && reply.completionTokens === undefined) return {};
  const cost =
    ((reply.promptTokens ?? 0) * (config.costPer1kPromptUsd ?? 0) +
      (reply.completionTokens ?? 0) * (config.costPer1kCompletionUsd ?? 0)) /
    1000;
  return { costUsd: cost };
}
