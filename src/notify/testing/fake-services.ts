import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TelegramUpdate } from "../telegram-api.js";

/** What a fake service answers next: success, an error status, a 429 with a wait, or no answer at all. */
export type Answer =
  | { kind: "ok" }
  | { kind: "status"; status: number; body?: string }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "hang" };

export interface Received {
  readonly path: string;
  readonly body: unknown;
}

/** A local HTTP server whose answers a test scripts one by one (default: success). */
abstract class FakeService {
  readonly received: Received[] = [];
  readonly #script: Answer[] = [];
  #waiters: { index: number; resolve: (r: Received) => void }[] = [];
  readonly #server: Server;
  #url = "";

  constructor() {
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get url(): string {
    return this.#url;
  }

  /** What every request gets once the script is used up (default: success). */
  fallback: Answer = { kind: "ok" };

  /** The next answers, in order; once used up, requests get `fallback`. */
  script(...answers: Answer[]): void {
    this.#script.push(...answers);
  }

  /** Resolves with the next request that arrives (or the one already waiting at this index). */
  request(index: number): Promise<Received> {
    const got = this.received[index];
    if (got) return Promise.resolve(got);
    return new Promise((resolve) => this.#waiters.push({ index, resolve }));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  protected abstract answerOk(path: string, body: unknown, req: IncomingMessage, res: ServerResponse): void;
  protected abstract answerError(answer: Answer, res: ServerResponse): void;

  protected record(path: string, body: unknown): void {
    this.received.push({ path, body });
    const ready = this.#waiters.filter((w) => w.index < this.received.length);
    this.#waiters = this.#waiters.filter((w) => w.index >= this.received.length);
    for (const w of ready) w.resolve(this.received[w.index] as Received);
  }

  protected nextAnswer(): Answer {
    return this.#script.shift() ?? this.fallback;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text: the assertion will show it.
    }
    this.answerOk(req.url ?? "", body, req, res);
  }

  protected respond(answer: Answer, res: ServerResponse, ok: () => void): void {
    if (answer.kind === "hang") return;
    if (answer.kind === "ok") ok();
    else this.answerError(answer, res);
  }
}

/** Speaks the Telegram Bot API: sendMessage and long-polling getUpdates, with Telegram's error format. */
export class FakeTelegram extends FakeService {
  readonly #updates: TelegramUpdate[] = [];
  #polls: { offset: number; res: ServerResponse }[] = [];
  #nextId = 1;
  #failPolls = 0;
  /** getUpdates calls so far, and who waits for the n-th. */
  polls = 0;
  #pollWaiters: { n: number; resolve: () => void }[] = [];

  constructor(readonly token: string) {
    super();
  }

  /** A message as if a person typed it in `chatId`; a waiting getUpdates gets it at once. */
  say(chatId: number, text: string, username = "alice"): void {
    this.#updates.push({
      update_id: this.#nextId++,
      message: { message_id: this.#nextId, chat: { id: chatId, type: "private" }, from: { id: 7, username }, text },
    });
    for (const poll of this.#polls.splice(0)) this.#answerPoll(poll.offset, poll.res);
  }

  /** The next `n` getUpdates calls fail with a 502. */
  failPolls(n: number): void {
    this.#failPolls = n;
  }

  /** Resolves once getUpdates has been called `n` times. */
  pollArrived(n: number): Promise<void> {
    if (this.polls >= n) return Promise.resolve();
    return new Promise((resolve) => this.#pollWaiters.push({ n, resolve }));
  }

  /** Messages the bot sent (sendMessage bodies). */
  sent(): { chat_id: string; text: string }[] {
    return this.received
      .filter((r) => r.path.endsWith("/sendMessage"))
      .map((r) => r.body as { chat_id: string; text: string });
  }

  protected answerOk(path: string, body: unknown, _req: IncomingMessage, res: ServerResponse): void {
    if (!path.startsWith(`/bot${this.token}/`)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
      return;
    }
    if (path.endsWith("/getUpdates")) {
      // Long polling: held until there is something newer than the offset (or the client gives up).
      const offset = Number((body as { offset?: number }).offset ?? 0);
      this.polls++;
      for (const w of this.#pollWaiters.filter((x) => x.n <= this.polls)) w.resolve();
      this.#pollWaiters = this.#pollWaiters.filter((x) => x.n > this.polls);
      if (this.#failPolls > 0) {
        this.#failPolls--;
        this.answerError({ kind: "status", status: 502 }, res);
      } else if (offset < 0) {
        // Telegram: a negative offset returns the newest -offset updates at once.
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, result: this.#updates.slice(offset) }));
      } else if (this.#updates.some((u) => u.update_id >= offset)) this.#answerPoll(offset, res);
      else this.#polls.push({ offset, res });
      return;
    }
    this.record(path, body);
    this.respond(this.nextAnswer(), res, () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result: { message_id: this.received.length } }));
    });
  }

  protected answerError(answer: Answer, res: ServerResponse): void {
    res.writeHead(answer.kind === "rate-limited" ? 429 : answer.kind === "status" ? answer.status : 500, {
      "content-type": "application/json",
    });
    if (answer.kind === "rate-limited")
      res.end(
        JSON.stringify({
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${answer.retryAfterSeconds}`,
          parameters: { retry_after: answer.retryAfterSeconds },
        }),
      );
    else if (answer.kind === "status")
      res.end(
        answer.body ?? JSON.stringify({ ok: false, error_code: answer.status, description: "Internal Server Error" }),
      );
  }

  #answerPoll(offset: number, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, result: this.#updates.filter((u) => u.update_id >= offset) }));
  }
}

/** Speaks Slack's incoming webhook: 200 "ok", 429 with Retry-After, 4xx/5xx with a plain-text reason. */
export class FakeSlack extends FakeService {
  constructor(readonly hookPath = "/services/T000/B000/XXXXSECRETXXXX") {
    super();
  }

  get webhookUrl(): string {
    return `${this.url}${this.hookPath}`;
  }

  protected answerOk(path: string, body: unknown, _req: IncomingMessage, res: ServerResponse): void {
    if (path !== this.hookPath) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("no_service");
      return;
    }
    this.record(path, body);
    this.respond(this.nextAnswer(), res, () => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  }

  protected answerError(answer: Answer, res: ServerResponse): void {
    if (answer.kind === "rate-limited") {
      res.writeHead(429, { "content-type": "text/plain", "retry-after": String(answer.retryAfterSeconds) });
      res.end("rate_limited");
    } else if (answer.kind === "status") {
      res.writeHead(answer.status, { "content-type": "text/plain" });
      res.end(answer.body ?? (answer.status >= 500 ? "internal_error" : "invalid_payload"));
    }
  }
}
