import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { LlmWireServer, reply } from "./llm-wire-server.js";

let server: LlmWireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (s: LlmWireServer) => new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "test-key", maxRetries: 0 });

describe("the scripted LLM wire server", () => {
  it("answers OpenAI chat completions with usage and records the prompt and response_format", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.json({ action: "hold" }, { promptTokens: 12, completionTokens: 5 }));
    const answer = await client(server).chat.completions.create({
      model: "test-model",
      messages: [
        { role: "system", content: "be careful" },
        { role: "user", content: "what now?" },
      ],
      response_format: { type: "json_object" },
    });
    expect(answer.choices[0]?.message.content).toBe('{"action":"hold"}');
    expect(answer.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    expect(server.userPrompt()).toBe("what now?");
    expect(server.requests[0]?.body.response_format).toEqual({ type: "json_object" });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer test-key");
  });

  it("streams OpenAI chunks as SSE ending in [DONE], with a usage chunk when asked", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.text("a streamed answer"));
    const stream = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "go" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage ??= chunk.usage ?? undefined;
    }
    expect(text).toBe("a streamed answer");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("returns a structured refusal, 429 with Retry-After, 500, and rejects unsupported response formats", async () => {
    server = await LlmWireServer.start({ rejectResponseFormats: ["json_schema"] });
    server.enqueue(reply.refusal("I can't do that."), reply.status(429, 7), reply.status(500));
    const c = client(server);
    const ask = (extra: Record<string, unknown> = {}) =>
      c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }], ...extra });
    expect((await ask()).choices[0]?.message.refusal).toBe("I can't do that.");
    const limited = await ask().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("7");
    expect(await ask().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.InternalServerError);
    const schema = { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } };
    expect(await ask({ response_format: schema }).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("resets a connection and hangs until the client gives up", async () => {
    server = await LlmWireServer.start();
    server.enqueue(reply.reset(), reply.hang());
    const c = client(server);
    const ask = (signal?: AbortSignal) =>
      c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }, signal ? { signal } : {});
    expect(await ask().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIConnectionError);
    const abort = new AbortController();
    const hung = ask(abort.signal).catch((e: unknown) => e);
    while (server.requests.length < 2) await new Promise((r) => setImmediate(r));
    abort.abort();
    expect(await hung).toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it("answers a slow request when the test releases it", async () => {
    server = await LlmWireServer.start();
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    server.enqueue(reply.delay(gate, reply.text("late")));
    const pending = client(server).chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
    while (server.requests.length < 1) await new Promise((r) => setImmediate(r));
    release();
    expect((await pending).choices[0]?.message.content).toBe("late");
  });

  it("speaks Ollama's native chat, streaming NDJSON and not, with format and token counts, and lists models", async () => {
    server = await LlmWireServer.start({ models: ["qwen2.5:7b"] });
    server.enqueue(reply.json({ ok: 1 }), reply.text("streamed in pieces"));
    const post = (stream: boolean) =>
      fetch(`${server?.url}/api/chat`, {
        method: "POST",
        body: JSON.stringify({
          model: "qwen2.5:7b",
          messages: [{ role: "user", content: "hi" }],
          stream,
          format: "json",
        }),
      });
    const plain = (await (await post(false)).json()) as Record<string, unknown>;
    expect(plain).toMatchObject({ done: true, message: { content: '{"ok":1}' }, eval_count: 2 });
    const lines = (await (await post(true)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message.content).join("")).toBe("streamed in pieces");
    expect(lines.at(-1)).toMatchObject({ done: true });
    expect(server.requests[0]?.body.format).toBe("json");
    expect(await (await fetch(`${server.url}/api/tags`)).json()).toMatchObject({ models: [{ name: "qwen2.5:7b" }] });
    const models = await client(server).models.list();
    expect(models.data.map((m) => m.id)).toEqual(["qwen2.5:7b"]);
  });

  it("answers 500 naming the cause when the test scripted nothing", async () => {
    server = await LlmWireServer.start();
    const res = await fetch(`${server.url}/api/chat`, { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "the test scripted no reply for this request" });
  });
});
