import { type ChatReply, type ChatTransport, parseRetryAfter, TransportError } from "./chat-transport.js";

/**
 * Ollama's own /api/chat. What it adds over Ollama's OpenAI-compatible /v1: `format` takes a JSON schema on every
 * Ollama version with structured outputs (grammar-constrained decoding, so a small local model cannot answer
 * "BUY!!!"), and `keep_alive` keeps the model loaded between bars instead of reloading it after five idle minutes.
 */
export function ollamaNativeTransport(options: { host: string; keepAlive: string | undefined }): ChatTransport {
  const url = `${options.host.replace(/\/+$/, "")}/api/chat`;
  return {
    async chat(request) {
      const { mode, schema } = request.structured;
      const body = {
        model: request.model,
        messages: request.messages,
        stream: request.stream,
        ...(mode === "json_schema" ? { format: schema } : mode === "json_object" ? { format: "json" } : {}),
        options: { temperature: request.temperature, num_predict: request.maxTokens },
        ...(options.keepAlive !== undefined ? { keep_alive: options.keepAlive } : {}),
      };
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: request.signal,
        });
      } catch (error) {
        throw fetchError(error, request.signal);
      }
      if (!response.ok) {
        const text = await response.text().catch(() => "");
        const message = `HTTP ${response.status}: ${errorMessage(text)}`;
        const retryAfterMs = parseRetryAfter(undefined, response.headers.get("retry-after"));
        if (response.status === 429) throw new TransportError("rate-limited", message, retryAfterMs);
        if (response.status >= 500) throw new TransportError("down", message, retryAfterMs);
        if (response.status === 400 && mode !== "none" && /format|schema/i.test(message))
          throw new TransportError("unsupported-format", message);
        throw new TransportError("rejected", message);
      }
      try {
        return request.stream ? await readStream(response) : fromDone((await response.json()) as OllamaChunk, "");
      } catch (error) {
        throw fetchError(error, request.signal);
      }
    },
  };
}

interface OllamaChunk {
  message?: { content?: string };
  done?: boolean;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

async function readStream(response: Response): Promise<ChatReply> {
  const decoder = new TextDecoder();
  let buffered = "";
  let text = "";
  let last: OllamaChunk = {};
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(bytes, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== "") {
        last = JSON.parse(line) as OllamaChunk;
        if (last.error) throw new TransportError("down", `stream error: ${last.error}`);
        text += last.message?.content ?? "";
      }
      newline = buffered.indexOf("\n");
    }
  }
  if (!last.done) throw new TransportError("down", "the stream ended before Ollama said done");
  return fromDone(last, text);
}

function fromDone(chunk: OllamaChunk, streamed: string): ChatReply {
  return {
    text: streamed + (chunk.message?.content ?? ""),
    ...(chunk.prompt_eval_count !== undefined ? { promptTokens: chunk.prompt_eval_count } : {}),
    ...(chunk.eval_count !== undefined ? { completionTokens: chunk.eval_count } : {}),
  };
}

function fetchError(error: unknown, signal: AbortSignal): TransportError {
  if (error instanceof TransportError) return error;
  if (signal.aborted) return new TransportError("aborted", "request aborted");
  const cause = (error as { cause?: unknown }).cause;
  const why = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return new TransportError("down", `connection failed: ${why}`);
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {}
  return text.slice(0, 200);
}
