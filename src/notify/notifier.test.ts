import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import type { Fill } from "../domain/order.js";
import { EventBus } from "../engine/events.js";
import type { AlertKind } from "./alert.js";
import { ChannelQueue } from "./channel-queue.js";
import { Notifier } from "./notifier.js";
import type { Transport } from "./send-error.js";
import { TelegramApi, telegramTransport } from "./telegram-api.js";
import { FakeTelegram } from "./testing/fake-services.js";
import { memoryLogger } from "./testing/memory-logger.js";

const fill = (time: number): Fill => ({
  clientOrderId: `s-${time}`,
  symbol: "BTC/USDT",
  side: "buy",
  quantity: 0.01,
  price: 30_000,
  fee: 0.3,
  time,
  liquidity: "taker",
  reason: "entry",
});

/** A channel that delivers at once and keeps each message's text. */
function recordingChannel(clock: ManualClock, kinds?: AlertKind[]) {
  const texts: string[] = [];
  const transport: Transport = {
    name: "memory",
    maxChars: 10_000,
    send: async (m) => void texts.push(m.text),
  };
  const queue = new ChannelQueue({ transport, clock, logger: memoryLogger().logger, policy: { batchMs: 0 } });
  return { texts, queue, channel: { queue, ...(kinds ? { kinds: new Set(kinds) } : {}) } };
}

describe("Notifier", () => {
  let server: FakeTelegram | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("turns fills, rejections, the kill switch and feed alerts into alerts of their kind", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const bus = new EventBus();
    const rec = recordingChannel(clock);
    const notifier = new Notifier({ channels: [rec.channel], clock, logger: memoryLogger().logger });
    notifier.attach(bus);
    bus.publish("ORDER_FILLED", { time: clock.now(), fill: fill(clock.now()) });
    bus.publish("SIGNAL_REJECTED", {
      time: clock.now(),
      symbol: "ETH/USDT",
      reason: "denied",
      verdicts: [{ layer: "max-position", verdict: "deny", reason: "position would be 12 % > 10 %" }],
    });
    bus.publish("KILL_SWITCH", { time: clock.now(), reason: "daily loss 5.2 % > 5 %" });
    bus.publish("ALERT", {
      time: clock.now(),
      level: "warning",
      message: "BTC/USDT: stale (no bar for 3 bars); new entries blocked",
    });
    clock.advance(0);
    await rec.queue.settled();
    const text = rec.texts.join("\n");
    expect(text).toContain("BUY 0.01 BTC/USDT @ 30,000");
    expect(text).toContain("ETH/USDT: entry refused by max-position");
    expect(text).toContain("position would be 12 % > 10 %");
    expect(text).toContain("KILL SWITCH: trading halted");
    expect(text).toContain("BTC/USDT: stale");
  });

  it("sends the engine's 'trading halted' alert and KILL_SWITCH once, and a repeated rejection once per window", async () => {
    const clock = new ManualClock(0);
    const bus = new EventBus();
    const rec = recordingChannel(clock);
    const notifier = new Notifier({ channels: [rec.channel], clock, logger: memoryLogger().logger, repeatMs: 60_000 });
    notifier.attach(bus);
    bus.publish("KILL_SWITCH", { time: 0, reason: "drawdown" });
    bus.publish("ALERT", { time: 0, level: "critical", message: "trading halted: drawdown" });
    const reject = (time: number) =>
      bus.publish("SIGNAL_REJECTED", {
        time,
        symbol: "BTC/USDT",
        reason: "stale",
        verdicts: [{ layer: "feed-health", verdict: "deny", reason: "stale" }],
      });
    reject(0);
    clock.advance(30_000);
    reject(30_000);
    clock.advance(29_999);
    reject(59_999);
    await rec.queue.settled();
    await rec.queue.settled();
    const text = rec.texts.join("\n");
    expect(text.match(/KILL SWITCH|trading halted: drawdown/g)).toEqual(["KILL SWITCH"]);
    expect(notifier.health().repeatsSuppressed).toBe(3);
    expect(text.match(/refused by feed-health/g)).toHaveLength(1);
    clock.advance(1);
    reject(60_000);
    clock.advance(0);
    await rec.queue.settled();
    expect(rec.texts.join("\n").match(/refused by feed-health/g)).toHaveLength(2);
  });

  it("routes an alert only to the channels that take its kind", async () => {
    const clock = new ManualClock(0);
    const all = recordingChannel(clock);
    const critical = recordingChannel(clock, ["kill-switch", "error"]);
    const notifier = new Notifier({ channels: [all.channel, critical.channel], clock, logger: memoryLogger().logger });
    notifier.raise({ kind: "trade", level: "info", time: 0, title: "a fill" });
    notifier.raise({ kind: "error", level: "critical", time: 0, title: "store down" });
    clock.advance(0);
    await Promise.all([all.queue.settled(), critical.queue.settled()]);
    expect(all.texts.join()).toContain("a fill");
    expect(critical.texts.join()).not.toContain("a fill");
    expect(critical.texts.join()).toContain("store down");
  });

  it("reports off, with the reason, when no channel is configured", () => {
    const notifier = new Notifier({ channels: [], clock: new ManualClock(0), logger: memoryLogger().logger });
    notifier.raise({ kind: "error", level: "critical", time: 0, title: "x" });
    expect(notifier.health()).toEqual({
      enabled: false,
      note: "alerts off: no channel configured",
      channels: [],
      repeatsSuppressed: 0,
    });
  });

  it("runs the hourly status, the daily summary at the configured UTC hour and the 6-hour heartbeat on the clock", async () => {
    const start = Date.UTC(2024, 0, 1, 21, 30);
    const clock = new ManualClock(start);
    const rec = recordingChannel(clock);
    let equity = 10_000;
    const notifier = new Notifier({
      channels: [rec.channel],
      clock,
      logger: memoryLogger().logger,
      reports: { status: () => `equity ${equity}`, equity: () => equity },
      schedule: { dailyHourUtc: 0, hourly: true, heartbeatMs: 6 * 3_600_000 },
    });
    const bus = new EventBus();
    notifier.attach(bus);
    notifier.startSchedules();
    bus.publish("ORDER_FILLED", { time: start, fill: fill(start) });
    clock.advance(0);
    await rec.queue.settled();
    rec.texts.length = 0;
    const seen: string[] = [];
    for (let minutes = 0; minutes < 9 * 60; minutes += 30) {
      if (minutes === 120) equity = 10_250;
      clock.advance(30 * 60_000);
      await rec.queue.settled();
      const at = new Date(clock.now()).toISOString().slice(11, 16);
      for (const text of rec.texts.splice(0))
        for (const line of text.split("\n"))
          if (/\] (hourly status|daily summary|heartbeat)/.test(line)) seen.push(`${at} ${line.replace(/^.*\] /, "")}`);
    }
    expect(seen).toEqual([
      "22:00 hourly status",
      "23:00 hourly status",
      "00:00 daily summary",
      "00:00 hourly status",
      "01:00 hourly status",
      "02:00 hourly status",
      "03:00 hourly status",
      "03:30 heartbeat: running for 6 h 0 min",
      "04:00 hourly status",
      "05:00 hourly status",
      "06:00 hourly status",
    ]);
    // The fill before the loop, then ten messages: daily summary and hourly status at 00:00 went as one.
    expect(rec.queue.health().sent).toBe(11);
  });

  it("puts fills, closed trades and the equity change of the day in the daily summary", () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    let equity = 10_000;
    const notifier = new Notifier({
      channels: [recordingChannel(clock).channel],
      clock,
      logger: memoryLogger().logger,
      reports: { status: () => "STATUS BLOCK", equity: () => equity },
    });
    const bus = new EventBus();
    notifier.attach(bus);
    bus.publish("ORDER_FILLED", { time: 0, fill: fill(0) });
    bus.publish("ORDER_FILLED", { time: 1, fill: fill(1) });
    notifier.noteClosedTrades([{ netPnl: 120 } as never, { netPnl: -20 } as never]);
    equity = 10_100;
    clock.advance(3_600_000);
    const summary = notifier.dailySummary();
    expect(summary.kind).toBe("daily-summary");
    expect(summary.text).toContain("equity 10,100.00 (+100.00, 1.00 % since 2024-01-01T00:00 UTC)");
    expect(summary.text).toContain("fills 2 · closed trades 2 (1 won) · realized P&L 100.00");
    expect(summary.text).toContain("STATUS BLOCK");
    expect(notifier.dailySummary().text).toContain("fills 0");
  });

  it("a hanging channel does not delay the bus publisher: every publish returns before any request is made", async () => {
    const token = "1:hang-token-abc";
    server = await new FakeTelegram(token).start();
    server.script({ kind: "hang" });
    const clock = new ManualClock(0);
    const queue = new ChannelQueue({
      transport: telegramTransport(new TelegramApi({ token, chatId: "1", apiUrl: server.url })),
      clock,
      logger: memoryLogger().logger,
      policy: { batchMs: 0, maxQueue: 50, maxBatch: 10 },
    });
    const bus = new EventBus();
    const order: string[] = [];
    bus.on("ORDER_FILLED", () => order.push("before"));
    new Notifier({ channels: [{ queue }], clock, logger: memoryLogger().logger }).attach(bus);
    bus.on("ORDER_FILLED", () => order.push("after"));
    for (let i = 0; i < 200; i++) {
      bus.publish("ORDER_FILLED", { time: i, fill: fill(i) });
      order.push(`published ${i}`);
      clock.advance(0);
    }
    // All 200 decisions went through their subscribers synchronously; the network has not even been reached.
    expect(order).toHaveLength(600);
    expect(order.slice(-3)).toEqual(["before", "after", "published 199"]);
    expect(server.received).toHaveLength(0);
    // The one send is in flight (the server holds it); the rest wait in a bounded queue, the excess is counted.
    await server.request(0);
    expect(queue.health()).toMatchObject({ queued: 50, dropped: 149 });
    expect(bus.failures.size).toBe(0);
    clock.advance(15_000);
    await queue.settled();
    expect(queue.health()).toMatchObject({ healthy: false, lastError: { message: "timed out after 15000 ms" } });
  });
});
