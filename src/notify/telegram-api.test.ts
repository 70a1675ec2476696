import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import { ChannelQueue } from "./channel-queue.js";
import { TelegramApi, telegramTransport } from "./telegram-api.js";
import { FakeTelegram } from "./testing/fake-services.js";
import { memoryLogger } from "./testing/memory-logger.js";

const TOKEN = "123456:FAKE-telegram-token-abcdef";
const CHAT = "424242";

describe("Telegram channel against a local Bot API server", () => {
  let server: FakeTelegram;
  let clock: ManualClock;
  let queue: ChannelQueue;

  beforeEach(async () => {
    server = await new FakeTelegram(TOKEN).start();
    clock = new ManualClock(1_700_000_000_000);
    const api = new TelegramApi({ token: TOKEN, chatId: CHAT, apiUrl: server.url });
    queue = new ChannelQueue({
      transport: telegramTransport(api),
      clock,
      logger: memoryLogger().logger,
      policy: { batchMs: 0, backoffMs: 1000 },
      secrets: [TOKEN],
    });
  });
  afterEach(async () => {
    await server.close();
  });

  const alert = (title: string) => ({ kind: "trade" as const, level: "info" as const, time: clock.now(), title });

  it("sends the alert text to the configured chat with sendMessage", async () => {
    queue.enqueue(alert("BUY 0.01 BTC/USDT @ 30,000"));
    clock.advance(0);
    const request = await server.request(0);
    await queue.settled();
    expect(request.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(server.sent()[0]).toMatchObject({ chat_id: CHAT });
    expect(server.sent()[0]?.text).toContain("BUY 0.01 BTC/USDT @ 30,000");
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1, lastSuccess: clock.now() });
  });

  it("honours 429 parameters.retry_after, then delivers", async () => {
    server.script({ kind: "rate-limited", retryAfterSeconds: 7 });
    queue.enqueue(alert("first"));
    clock.advance(0);
    await server.request(0);
    await queue.settled();
    expect(queue.health()).toMatchObject({ healthy: false, retryAt: clock.now() + 7000 });
    expect(queue.health().lastError?.message).toContain("HTTP 429 Too Many Requests: retry after 7");
    clock.advance(6999);
    expect(server.received).toHaveLength(1);
    clock.advance(1);
    await server.request(1);
    await queue.settled();
    expect(server.sent()).toHaveLength(2);
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1, dropped: 0 });
  });

  it("backs off on 5xx and delivers on the retry", async () => {
    server.script({ kind: "status", status: 502 });
    queue.enqueue(alert("first"));
    clock.advance(0);
    await server.request(0);
    await queue.settled();
    expect(queue.health().lastError?.message).toBe("telegram sendMessage: HTTP 502 Internal Server Error");
    clock.advance(1000);
    await server.request(1);
    await queue.settled();
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1, failures: 1 });
  });

  it("drops the message on 401 (a wrong token) without retrying, and names no token", async () => {
    const wrong = new TelegramApi({ token: "999:WRONG-token-xyz", chatId: CHAT, apiUrl: server.url });
    const q = new ChannelQueue({
      transport: telegramTransport(wrong),
      clock,
      logger: memoryLogger().logger,
      policy: { batchMs: 0 },
    });
    q.enqueue(alert("x"));
    clock.advance(0);
    await q.settled();
    expect(q.health()).toMatchObject({ dropped: 1, retryAt: null });
    expect(q.health().lastError?.message).toBe("telegram sendMessage: HTTP 401 Unauthorized");
  });

  it("gives up on a server that never answers when the send timeout passes on the clock", async () => {
    server.script({ kind: "hang" });
    queue.enqueue(alert("x"));
    clock.advance(0);
    await server.request(0);
    clock.advance(15_000);
    await queue.settled();
    expect(queue.health().lastError?.message).toBe("timed out after 15000 ms");
    clock.advance(1000);
    await server.request(1);
    await queue.settled();
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1 });
  });
});
