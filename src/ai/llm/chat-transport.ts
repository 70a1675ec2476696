import OpenAI from "openai";

/** One chat request as the bridge sends it, whatever the wire. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxTokens: number;
  /** How the answer's shape is asked for; `schema` is the JSON schema of the role's zod schema. */
  readonly structured: {
    readonly mode: StructuredMode;
    readonly name: string;
    readonly schema: Record<string, unknown>;
  };
  readonly stream: boolean;
  readonly signal: AbortSignal;
}

export type StructuredMode = "json_schema" | "json_object" | "none";

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export interface ChatReply {
  readonly text: string;
  /** The model's structured refusal (OpenAI's `message.refusal`), when it sent one. */
  readonly refusal?: string;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
}

/**
 * Why a request failed on the wire. `retryable` failures (429, 5xx, connection) are retried with backoff;
 * `unsupported-format` makes the bridge step down to a simpler structured-output mode.
 */
export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    readonly kind: "rate-limited" | "down" | "aborted" | "unsupported-format" | "rejected",
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.kind === "rate-limited" || this.kind === "down";
  }
}

export interface ChatTransport {
  chat(request: ChatRequest): Promise<ChatReply>;
}

/** Any OpenAI-compatible endpoint through the official SDK; the bridge does the retrying, so the SDK does none. */
export function openAiTransport(options: {
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
}): ChatTransport {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // Local servers (Ollama, LM Studio, vLLM) want no key, but the SDK insists on one.
    apiKey: options.apiKey ?? "not-needed",
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  return {
    async chat(request) {
      const body = {
        model: request.model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: request.temperature,
        max_tokens: request.maxTokens,
        ...responseFormat(request.structured),
      };
      try {
        if (!request.stream) {
          const answer = await client.chat.completions.create({ ...body, stream: false }, { signal: request.signal });
          const message = answer.choices[0]?.message;
          return {
            text: message?.content ?? "",
            ...(message?.refusal ? { refusal: message.refusal } : {}),
            ...usage(answer.usage),
          };
        }
        const stream = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          { signal: request.signal },
        );
        let text = "";
        let refusal = "";
        let tokens: OpenAI.CompletionUsage | undefined;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? "";
          refusal += chunk.choices[0]?.delta.refusal ?? "";
          tokens = chunk.usage ?? tokens;
        }
        return { text, ...(refusal ? { refusal } : {}), ...usage(tokens) };
      } catch (error) {
        throw classifyOpenAiError(error, request.structured.mode);
      }
    },
  };
}

function responseFormat(structured: ChatRequest["structured"]) {
  if (structured.mode === "json_schema")
    return {
      response_format: {
        type: "json_schema" as const,
        json_schema: { name: structured.name, schema: structured.schema, strict: false },
      },
    };
  if (structured.mode === "json_object") return { response_format: { type: "json_object" as const } };
  return {};
}

function usage(u: OpenAI.CompletionUsage | null | undefined): { promptTokens?: number; completionTokens?: number } {
  return u ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens } : {};
}

function classifyOpenAiError(error: unknown, mode: StructuredMode): TransportError {
  if (error instanceof OpenAI.APIUserAbortError) return new TransportError("aborted", "request aborted");
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new TransportError("down", "request timed out");
  if (error instanceof OpenAI.APIConnectionError)
    return new TransportError("down", `connection failed: ${causeOf(error)}`);
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const retryAfterMs = parseRetryAfter(error.headers?.get("retry-after-ms"), error.headers?.get("retry-after"));
    if (status === 429) return new TransportError("rate-limited", `HTTP 429: ${error.message}`, retryAfterMs);
    if (status >= 500) return new TransportError("down", `HTTP ${status}: ${error.message}`, retryAfterMs);
    if (status === 400 && mode !== "none" && /response_format|json_schema|json_object|format/i.test(error.message))
      return new TransportError("unsupported-format", `HTTP 400: ${error.message}`);
    return new TransportError("rejected", `HTTP ${status}: ${error.message}`);
  }
  return new TransportError("down", error instanceof Error ? error.message : String(error));
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}

/** Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms; undefined when absent or unreadable. */
export function parseRetryAfter(ms: string | null | undefined, header: string | null | undefined, now = Date.now()) {
  const millis = Number(ms);
  if (ms && Number.isFinite(millis) && millis >= 0) return millis;
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
