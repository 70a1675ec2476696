import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import { ChannelQueue } from "./channel-queue.js";
import { slackTransport } from "./slack.js";
import { FakeSlack } from "./testing/fake-services.js";
import { memoryLogger } from "./testing/memory-logger.js";

describe("Slack channel against a local incoming-webhook server", () => {
  let server: FakeSlack;
  let clock: ManualClock;
  let queue: ChannelQueue;

  beforeEach(async () => {
    server = await new FakeSlack().start();
    clock = new ManualClock(1_700_000_000_000);
    queue = new ChannelQueue({
      transport: slackTransport(server.webhookUrl, clock),
      clock,
      logger: memoryLogger().logger,
      policy: { batchMs: 0, backoffMs: 2000 },
    });
  });
  afterEach(async () => {
    await server.close();
  });

  const alert = (title: string) => ({
    kind: "kill-switch" as const,
    level: "critical" as const,
    time: clock.now(),
    title,
  });

  it("posts { text }: one alert as its line, a batch under a bold count", async () => {
    queue.enqueue(alert("KILL SWITCH: trading halted"));
    clock.advance(0);
    const request = await server.request(0);
    await queue.settled();
    expect((request.body as { text: string }).text).toMatch(/^🚨 \[\d\d:\d\d:\d\d UTC\] KILL SWITCH: trading halted$/);
    queue.enqueue(alert("one"));
    queue.enqueue(alert("two"));
    clock.advance(0);
    const batch = await server.request(1);
    await queue.settled();
    expect((batch.body as { text: string }).text).toMatch(/^\*🚨 Aegis: 2 alerts\*\n🚨 \[.*\] one\n\n🚨 \[.*\] two$/);
    expect(queue.health()).toMatchObject({ healthy: true, sent: 2 });
  });

  it("honours 429 Retry-After (seconds), then delivers", async () => {
    server.script({ kind: "rate-limited", retryAfterSeconds: 12 });
    queue.enqueue(alert("x"));
    clock.advance(0);
    await server.request(0);
    await queue.settled();
    expect(queue.health()).toMatchObject({ retryAt: clock.now() + 12_000 });
    expect(queue.health().lastError?.message).toBe("slack: HTTP 429 rate_limited");
    clock.advance(11_999);
    expect(server.received).toHaveLength(1);
    clock.advance(1);
    await server.request(1);
    await queue.settled();
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1 });
  });

  it("backs off on 500 and retries; drops on 400 invalid_payload", async () => {
    server.script({ kind: "status", status: 500 }, { kind: "status", status: 400 });
    queue.enqueue(alert("x"));
    clock.advance(0);
    await server.request(0);
    await queue.settled();
    expect(queue.health().lastError?.message).toBe("slack: HTTP 500 internal_error");
    clock.advance(2000);
    await server.request(1);
    await queue.settled();
    expect(queue.health()).toMatchObject({ dropped: 1, retryAt: null, queued: 0 });
    expect(queue.health().lastError?.message).toBe("slack: HTTP 400 invalid_payload");
  });

  it("gives up on a hanging webhook at the timeout and keeps the alert for the retry", async () => {
    server.script({ kind: "hang" });
    queue.enqueue(alert("x"));
    clock.advance(0);
    await server.request(0);
    clock.advance(15_000);
    await queue.settled();
    expect(queue.health()).toMatchObject({ queued: 1, retryAt: clock.now() + 2000 });
  });
});
