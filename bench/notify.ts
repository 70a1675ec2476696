/**
 * What alerts cost the decision path: the time `bus.publish(ORDER_FILLED)` takes with no alert subscriber, and
 * with the notifier and its Telegram and Slack channels attached while those services (local servers on 127.0.0.1)
 * answer at once, fail with 500, or never answer. Publishes come in bursts of 100 with the event loop free in
 * between, so the channels really send (and fail) while the publisher is measured.
 */
import { systemClock } from "../src/domain/clock.js";
import type { Fill } from "../src/domain/order.js";
import { EventBus } from "../src/engine/events.js";
import { ChannelQueue } from "../src/notify/channel-queue.js";
import { Notifier } from "../src/notify/notifier.js";
import { slackTransport } from "../src/notify/slack.js";
import { TelegramApi, telegramTransport } from "../src/notify/telegram-api.js";
import { type Answer, FakeSlack, FakeTelegram } from "../src/notify/testing/fake-services.js";
import { gc } from "./measure.js";

const PUBLISHES = 20_000;
const BURST = 100;
const silent = { info() {}, warn() {}, error() {} } as never;

const fill = (i: number): Fill => ({
  clientOrderId: `b-${i}`,
  symbol: "BTC/USDT",
  side: i % 2 === 0 ? "buy" : "sell",
  quantity: 0.01,
  price: 30_000 + i,
  fee: 0.3,
  time: i,
  liquidity: "taker",
  reason: "bench",
});

async function publishLatencies(bus: EventBus): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < PUBLISHES; i++) {
    const start = performance.now();
    bus.publish("ORDER_FILLED", { time: i, fill: fill(i) });
    times.push(performance.now() - start);
    if (i % BURST === BURST - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
const us = (ms: number) => (ms * 1000).toFixed(1);

async function scenario(
  answer: Answer | undefined,
): Promise<{ times: number[]; sent: number; failures: number; dropped: number }> {
  const bus = new EventBus();
  bus.on("ORDER_FILLED", () => {});
  if (!answer) return { times: await publishLatencies(bus), sent: 0, failures: 0, dropped: 0 };
  const token = "1:bench";
  const telegram = await new FakeTelegram(token).start();
  const slack = await new FakeSlack().start();
  telegram.fallback = answer;
  slack.fallback = answer;
  const policy = { batchMs: 0, timeoutMs: 2000, backoffMs: 50, burst: 1000, perMinute: 60_000 };
  const queues = [
    new ChannelQueue({
      transport: telegramTransport(new TelegramApi({ token, chatId: "1", apiUrl: telegram.url })),
      clock: systemClock,
      logger: silent,
      policy,
    }),
    new ChannelQueue({ transport: slackTransport(slack.webhookUrl), clock: systemClock, logger: silent, policy }),
  ];
  const notifier = new Notifier({ channels: queues.map((queue) => ({ queue })), clock: systemClock, logger: silent });
  notifier.attach(bus);
  gc();
  const times = await publishLatencies(bus);
  const health = notifier.health().channels;
  await Promise.all([telegram.close(), slack.close()]);
  await notifier.close();
  return {
    times,
    sent: health.reduce((s, h) => s + h.sent, 0),
    failures: health.reduce((s, h) => s + h.failures, 0),
    dropped: health.reduce((s, h) => s + h.dropped, 0),
  };
}

export async function run(log: (line: string) => void): Promise<string> {
  const rows: string[] = [];
  const cases: [string, Answer | undefined][] = [
    ["no alert subscriber", undefined],
    ["Telegram + Slack answering", { kind: "ok" }],
    ["Telegram + Slack answering 500", { kind: "status", status: 500 }],
    ["Telegram + Slack hanging", { kind: "hang" }],
  ];
  await scenario(undefined); // warm-up of the JIT
  for (const [name, answer] of cases) {
    log(`notify: ${name}…`);
    const r = await scenario(answer);
    rows.push(
      `| ${name} | ${us(pct(r.times, 0.5))} | ${us(pct(r.times, 0.99))} | ${us(pct(r.times, 0.999))} | ${us(r.times.at(-1) as number)} | ${r.sent} | ${r.failures} | ${r.dropped} |`,
    );
  }
  return [
    "# Alerts: cost of a bus publish",
    "",
    `${PUBLISHES} ORDER_FILLED publishes in bursts of ${BURST} (event loop free between bursts); time of each publish call in µs.`,
    "Channels: batching off, pacing off, 2 s send timeout, so they send and fail as often as they can meanwhile.",
    "",
    "| channels | p50 µs | p99 µs | p99.9 µs | max µs | messages sent | failed sends | alerts dropped |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
