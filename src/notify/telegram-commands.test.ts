import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import { TelegramApi } from "./telegram-api.js";
import { TelegramCommands, type TradingControl } from "./telegram-commands.js";
import { FakeTelegram } from "./testing/fake-services.js";
import { memoryLogger } from "./testing/memory-logger.js";

const TOKEN = "777:FAKE-command-token";
const CHAT = 424242;

describe("Telegram commands by long polling against a local Bot API server", () => {
  let server: FakeTelegram;
  let commands: TelegramCommands;
  let calls: string[];
  let log: ReturnType<typeof memoryLogger>;
  let clock: ManualClock;

  beforeEach(async () => {
    server = await new FakeTelegram(TOKEN).start();
    calls = [];
    log = memoryLogger();
    clock = new ManualClock(0);
    const control: TradingControl = {
      status: () => "STATUS: equity 10,000.00",
      balance: () => "cash 10,000.00",
      trades: (n) => `last ${n} trades`,
      stop: async (by) => {
        calls.push(`stop ${by}`);
        return "stop requested";
      },
      pause: (by) => {
        calls.push(`pause ${by}`);
        return "paused";
      },
      resume: (by) => {
        calls.push(`resume ${by}`);
        return "resumed";
      },
    };
    commands = new TelegramCommands({
      api: new TelegramApi({ token: TOKEN, chatId: String(CHAT), apiUrl: server.url }),
      control,
      clock,
      logger: log.logger,
      secrets: [TOKEN],
    });
    commands.start();
    // The backlog is skipped first; a command counts from the long poll after it.
    await server.pollArrived(2);
  });
  afterEach(async () => {
    await commands.stop();
    await server.close();
  });

  /** Sends a message as a person and waits for the bot's n-th reply. */
  async function ask(text: string, reply: number, chat = CHAT): Promise<string> {
    server.say(chat, text);
    return ((await server.request(reply)).body as { text: string }).text;
  }

  it("answers /status, /balance and /trades from the configured chat", async () => {
    expect(await ask("/status", 0)).toBe("STATUS: equity 10,000.00");
    expect(await ask("/balance@AegisBot", 1)).toBe("cash 10,000.00");
    expect(await ask("/trades 3", 2)).toBe("last 3 trades");
    expect(await ask("/trades 500", 3)).toBe("usage: /trades [n], n from 1 to 50");
    expect(server.sent().every((m) => m.chat_id === String(CHAT))).toBe(true);
    expect(commands.health()).toMatchObject({ polling: true, commands: 4, ignored: 0 });
  });

  it("carries out /stop, /pause and /resume naming who asked", async () => {
    expect(await ask("/pause", 0)).toBe("paused");
    expect(await ask("/resume", 1)).toBe("resumed");
    expect(await ask("/stop", 2)).toBe("stop requested");
    expect(calls).toEqual(["pause telegram:alice", "resume telegram:alice", "stop telegram:alice"]);
  });

  it("ignores and logs a command from another chat, without answering it", async () => {
    server.say(99_999, "/stop");
    expect(await ask("/status", 0)).toBe("STATUS: equity 10,000.00");
    expect(calls).toEqual([]);
    expect(server.sent()).toHaveLength(1);
    expect(commands.health().ignored).toBe(1);
    const ignored = log.lines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === "telegram: message from another chat ignored");
    expect(ignored).toMatchObject({ chatId: "99999", level: 40 });
    expect(log.text()).not.toContain("/stop");
  });

  it("skips commands sent while the bot was down: a stale /stop does not stop the next start", async () => {
    await commands.stop();
    server.say(CHAT, "/stop");
    server.say(CHAT, "/pause");
    const before = server.polls;
    commands.start();
    await server.pollArrived(before + 2);
    expect(await ask("/status", 0)).toBe("STATUS: equity 10,000.00");
    expect(calls).toEqual([]);
    expect(server.sent()).toHaveLength(1);
  });

  it("answers an unknown command with the list of commands", async () => {
    expect(await ask("/sell BTC", 0)).toMatch(/^unknown command \/sell\n\/status/);
  });

  it("backs off on the clock after getUpdates fails, then polls again", async () => {
    await commands.stop();
    server.failPolls(1);
    const before = server.polls;
    commands.start();
    await server.pollArrived(before + 1);
    await new Promise<void>((resolve) => {
      const check = () => (commands.health().lastError ? resolve() : setImmediate(check));
      check();
    });
    expect(commands.health().lastError?.message).toBe("telegram getUpdates: HTTP 502 Internal Server Error");
    expect(server.polls).toBe(before + 1);
    clock.advance(2000);
    await server.pollArrived(before + 3);
    expect(await ask("/status", 0)).toBe("STATUS: equity 10,000.00");
    expect(log.text()).not.toContain(TOKEN);
  });
});
