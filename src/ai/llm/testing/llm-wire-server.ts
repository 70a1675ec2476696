import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A scripted language-model server on 127.0.0.1 for tests: it speaks OpenAI's chat-completions wire API
 * (`POST /v1/chat/completions`, plain and SSE streaming, `response_format`, `usage`, `GET /v1/models`) and Ollama's
 * native API (`POST /api/chat` with `format`, NDJSON streaming, `GET /api/tags`). Each test scripts the replies
 * (good JSON, junk, a refusal, 429 with Retry-After, 500, a slow or hung answer, a reset connection) and reads back
 * the requests it got, so it can assert on the prompts. No test needs the internet or a model.
 */

/** What the server answers to one chat request. */
export type WireReply =
  /** The assistant's text (a JSON answer is just text the model wrote). */
  | { readonly kind: "text"; readonly text: string; readonly usage?: WireUsage }
  /** OpenAI's structured refusal (`message.refusal`); Ollama has none and gets the sentence as text. */
  | { readonly kind: "refusal"; readonly text: string }
  /** An HTTP error with the API's error body; `retryAfter` (seconds) sets the Retry-After header. */
  | { readonly kind: "status"; readonly status: number; readonly message?: string; readonly retryAfter?: number }
  /** Never answers (the client's timeout or abort must end it). */
  | { readonly kind: "hang" }
  /** Destroys the connection without an answer. */
  | { readonly kind: "reset" }
  /** Answers `then` once `until` resolves: a slow model whose pace the test controls, no real sleep. */
  | { readonly kind: "delay"; readonly until: Promise<unknown>; readonly then: WireReply };

export interface WireUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Builders for the replies tests use most. */
export const reply = {
  json: (value: unknown, usage?: WireUsage): WireReply => ({
    kind: "text",
    text: JSON.stringify(value),
    ...opt(usage),
  }),
  text: (text: string, usage?: WireUsage): WireReply => ({ kind: "text", text, ...opt(usage) }),
  refusal: (text = "I'm sorry, but I can't help with that."): WireReply => ({ kind: "refusal", text }),
  status: (status: number, retryAfter?: number, message?: string): WireReply => ({
    kind: "status",
    status,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(message !== undefined ? { message } : {}),
  }),
  hang: (): WireReply => ({ kind: "hang" }),
  reset: (): WireReply => ({ kind: "reset" }),
  delay: (until: Promise<unknown>, then: WireReply): WireReply => ({ kind: "delay", until, then }),
};

function opt(usage: WireUsage | undefined): { usage?: WireUsage } {
  return usage ? { usage } : {};
}

/** One request the server received, parsed. */
export interface WireRequest {
  readonly api: "openai" | "ollama";
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The JSON body as sent. */
  readonly body: Record<string, unknown>;
  readonly model: string;
  readonly messages: readonly { role: string; content: string }[];
  readonly stream: boolean;
}

export type WireScript = (request: WireRequest) => WireReply | Promise<WireReply>;

export interface WireServerOptions {
  /** Model names listed by /v1/models and /api/tags. */
  readonly models?: readonly string[];
  /** `response_format` types the OpenAI side rejects with 400, as servers without structured output do. */
  readonly rejectResponseFormats?: readonly ("json_schema" | "json_object")[];
}

export class LlmWireServer {
  /** Every chat request in the order received. */
  readonly requests: WireRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #queue: WireReply[] = [];
  readonly #options: WireServerOptions;
  #script: WireScript | undefined;
  #url = "";

  private constructor(options: WireServerOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts a server on a free port of 127.0.0.1. */
  static async start(options: WireServerOptions = {}): Promise<LlmWireServer> {
    const server = new LlmWireServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(0, "127.0.0.1", resolve);
    });
    server.#url = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  /** `http://127.0.0.1:PORT`; the OpenAI base URL is `${url}/v1`, Ollama's host is `url` itself. */
  get url(): string {
    return this.#url;
  }

  /** Queues replies, answered in order; when the queue is empty the script function (if any) answers. */
  enqueue(...replies: WireReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Answers every request the queue does not (e.g. "always BUY with confidence 1"). */
  respond(script: WireScript): this {
    this.#script = script;
    return this;
  }

  /** The last user message of request `i` (default: the last request). */
  userPrompt(i = this.requests.length - 1): string {
    const messages = this.requests[i]?.messages ?? [];
    return [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] as string;
    const models = this.#options.models ?? ["test-model"];
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "aegis-test" })),
      });
    }
    if (req.method === "GET" && path === "/api/tags") {
      return sendJson(res, 200, {
        models: models.map((name) => ({ name, model: name, modified_at: new Date(0).toISOString(), size: 0 })),
      });
    }
    const api = path === "/v1/chat/completions" ? "openai" : path === "/api/chat" ? "ollama" : undefined;
    if (req.method !== "POST" || api === undefined) return sendJson(res, 404, { error: `no route ${path}` });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, errorBody(api, "body is not JSON"));
    }
    const request: WireRequest = {
      api,
      path,
      headers: req.headers,
      body,
      model: String(body.model ?? ""),
      messages: Array.isArray(body.messages)
        ? (body.messages as { role: unknown; content: unknown }[]).map((m) => ({
            role: String(m.role),
            content: typeof m.content === "string" ? m.content : JSON.stringify(m.content),
          }))
        : [],
      // OpenAI streams only when asked; Ollama streams unless told not to.
      stream: api === "openai" ? body.stream === true : body.stream !== false,
    };
    this.requests.push(request);
    const format = (body.response_format as { type?: string } | undefined)?.type;
    if (api === "openai" && format && this.#options.rejectResponseFormats?.includes(format as "json_schema")) {
      return sendJson(res, 400, errorBody(api, `response_format ${format} is not supported by this server`));
    }
    let answer = this.#queue.shift();
    if (answer === undefined && this.#script) answer = await this.#script(request);
    answer ??= { kind: "status", status: 500, message: "the test scripted no reply for this request" };
    await this.#send(res, request, answer);
  }

  async #send(res: ServerResponse, request: WireRequest, answer: WireReply): Promise<void> {
    switch (answer.kind) {
      case "hang":
        return;
      case "reset":
        res.socket?.destroy();
        return;
      case "delay":
        await answer.until;
        return this.#send(res, request, answer.then);
      case "status": {
        if (answer.retryAfter !== undefined) res.setHeader("retry-after", String(answer.retryAfter));
        return sendJson(
          res,
          answer.status,
          errorBody(request.api, answer.message ?? `scripted status ${answer.status}`),
        );
      }
      case "refusal":
      case "text": {
        const text = answer.text;
        const usage =
          (answer.kind === "text" ? answer.usage : undefined) ??
          ({
            promptTokens: Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4),
            completionTokens: Math.ceil(text.length / 4),
          } satisfies WireUsage);
        if (request.api === "openai") return openAiAnswer(res, request, text, answer.kind === "refusal", usage);
        return ollamaAnswer(res, request, text, usage);
      }
    }
  }
}

function openAiAnswer(res: ServerResponse, request: WireRequest, text: string, refusal: boolean, usage: WireUsage) {
  const id = "chatcmpl-aegis-test";
  const created = Math.floor(Date.now() / 1000);
  const usageBody = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  if (!request.stream) {
    const message = refusal
      ? { role: "assistant", content: null, refusal: text }
      : { role: "assistant", content: text, refusal: null };
    return sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model: request.model,
      choices: [{ index: 0, message, finish_reason: "stop", logprobs: null }],
      usage: usageBody,
    });
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  for (const piece of pieces(text)) res.write(chunk(refusal ? { refusal: piece } : { content: piece }, null));
  res.write(chunk({}, "stop"));
  const options = request.body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) {
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: request.model, choices: [], usage: usageBody })}\n\n`,
    );
  }
  res.end("data: [DONE]\n\n");
}

function ollamaAnswer(res: ServerResponse, request: WireRequest, text: string, usage: WireUsage) {
  const base = { model: request.model, created_at: new Date().toISOString() };
  const done = {
    ...base,
    done: true,
    done_reason: "stop",
    total_duration: 0,
    prompt_eval_count: usage.promptTokens,
    eval_count: usage.completionTokens,
  };
  if (!request.stream) return sendJson(res, 200, { ...done, message: { role: "assistant", content: text } });
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  for (const piece of pieces(text))
    res.write(`${JSON.stringify({ ...base, message: { role: "assistant", content: piece }, done: false })}\n`);
  res.end(`${JSON.stringify({ ...done, message: { role: "assistant", content: "" } })}\n`);
}

/** Splits an answer into a few chunks, as a model streams tokens. */
function pieces(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 4));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function errorBody(api: "openai" | "ollama", message: string): unknown {
  return api === "openai" ? { error: { message, type: "aegis_test_error", code: null } } : { error: message };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
