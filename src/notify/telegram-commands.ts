import type { Clock } from "../domain/clock.js";
import type { NotifyLogger } from "./channel-queue.js";
import { networkErrorText, SendError, scrub } from "./send-error.js";
import type { TelegramApi, TelegramUpdate } from "./telegram-api.js";

/**
 * What a person can do from the chat; the runtime (or the API server) provides it. Each answer is the reply text.
 * `by` names who asked ("telegram:alice") for the records.
 */
export interface TradingControl {
  status(): string | Promise<string>;
  balance(): string | Promise<string>;
  trades(limit: number): string | Promise<string>;
  /** The emergency stop of `aegis stop` (without --flatten). */
  stop(by: string): string | Promise<string>;
  /** No new entries; exits and position management go on. */
  pause(by: string): string | Promise<string>;
  resume(by: string): string | Promise<string>;
}

export interface TelegramCommandsHealth {
  readonly polling: boolean;
  readonly lastPoll: number | null;
  readonly lastError: { readonly time: number; readonly message: string } | null;
  readonly commands: number;
  /** Messages from chats other than the configured one. */
  readonly ignored: number;
}

const HELP = [
  "/status – equity, positions, shield, feeds",
  "/balance – cash, equity and positions",
  "/trades [n] – the last closed trades (default 10)",
  "/pause – no new entries (exits go on); /resume undoes it",
  "/stop – emergency stop: halt, cancel orders that open risk, exit the bot",
].join("\n");

/**
 * Telegram commands by long polling (getUpdates), as freqtrade users know them. Only messages from the configured
 * chat are obeyed; anything else is ignored and logged (the chat id, never the message text or the token).
 */
export class TelegramCommands {
  readonly #api: TelegramApi;
  readonly #control: TradingControl;
  readonly #clock: Clock;
  readonly #log: NotifyLogger;
  readonly #pollSeconds: number;
  readonly #secrets: readonly string[];
  #offset = 0;
  #running = false;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #failures = 0;
  #lastPoll: number | null = null;
  #lastError: { time: number; message: string } | null = null;
  #commands = 0;
  #ignored = 0;

  constructor(options: {
    api: TelegramApi;
    control: TradingControl;
    clock: Clock;
    logger: NotifyLogger;
    /** Long-poll timeout Telegram holds a getUpdates open for (default 30 s). */
    pollSeconds?: number;
    secrets?: readonly string[];
  }) {
    this.#api = options.api;
    this.#control = options.control;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#pollSeconds = options.pollSeconds ?? 30;
    this.#secrets = options.secrets ?? [];
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#controller?.abort();
    this.#wake?.();
    await this.#loop;
  }

  health(): TelegramCommandsHealth {
    return {
      polling: this.#running,
      lastPoll: this.#lastPoll,
      lastError: this.#lastError,
      commands: this.#commands,
      ignored: this.#ignored,
    };
  }

  async #run(): Promise<void> {
    let skipped = false;
    while (this.#running) {
      const controller = new AbortController();
      this.#controller = controller;
      // A poll that outlives Telegram's own timeout by far is a hung connection.
      const cancel = this.#clock.setTimer((this.#pollSeconds + 15) * 1000, () => controller.abort());
      try {
        if (!skipped) {
          // Commands sent while the bot was down are stale (a /stop must not stop the next start): confirm them
          // unread. Offset -1 returns only the newest update and marks every earlier one as read.
          const backlog = await this.#api.getUpdates(-1, 0, controller.signal);
          const newest = backlog.at(-1);
          if (newest) {
            this.#offset = newest.update_id + 1;
            this.#log.info({ upToUpdate: newest.update_id }, "telegram: commands sent while the bot was down skipped");
          }
          skipped = true;
        }
        const updates = await this.#api.getUpdates(this.#offset, this.#pollSeconds, controller.signal);
        this.#lastPoll = this.#clock.now();
        this.#failures = 0;
        for (const update of updates) {
          this.#offset = Math.max(this.#offset, update.update_id + 1);
          await this.#handle(update);
        }
      } catch (error) {
        if (!this.#running) break;
        this.#failures++;
        const message = scrub(networkErrorText(error), this.#secrets);
        this.#lastError = { time: this.#clock.now(), message };
        const retryAfter = error instanceof SendError ? error.retryAfterMs : undefined;
        const wait = retryAfter ?? Math.min(300_000, 1000 * 2 ** Math.min(this.#failures, 9));
        this.#log.warn({ error: message, retryInMs: wait }, "telegram commands: getUpdates failed");
        await this.#sleep(wait);
      } finally {
        cancel();
      }
    }
  }

  /** Waits on the clock; `stop()` cuts it short. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#clock.setTimer(ms, () => {
        this.#wake = undefined;
        resolve();
      });
      this.#wake = () => {
        cancel();
        resolve();
      };
    });
  }

  async #handle(update: TelegramUpdate): Promise<void> {
    const message = update.message;
    if (!message) return;
    const chatId = String(message.chat.id);
    if (chatId !== this.#api.chatId) {
      this.#ignored++;
      this.#log.warn(
        { chatId, fromId: message.from?.id ?? null, updateId: update.update_id },
        "telegram: message from another chat ignored",
      );
      return;
    }
    if (!message.text) return;
    const match = /^\/([a-z_]+)(?:@\w+)?(?:\s+(.*))?$/i.exec(message.text.trim());
    if (!match) return;
    const command = (match[1] as string).toLowerCase();
    const argument = match[2]?.trim() ?? "";
    const by = `telegram:${message.from?.username ?? message.from?.id ?? chatId}`;
    this.#commands++;
    this.#log.info({ command, by }, "telegram command");
    let reply: string;
    try {
      reply = await this.#answer(command, argument, by);
    } catch (error) {
      const text = scrub(error instanceof Error ? error.message : String(error), this.#secrets);
      this.#log.error({ command, error: text }, "telegram command failed");
      reply = `/${command} failed: ${text}`;
    }
    await this.#reply(reply);
  }

  async #answer(command: string, argument: string, by: string): Promise<string> {
    switch (command) {
      case "status":
        return this.#control.status();
      case "balance":
        return this.#control.balance();
      case "trades": {
        const n = argument === "" ? 10 : Number(argument);
        if (!(Number.isInteger(n) && n >= 1 && n <= 50)) return "usage: /trades [n], n from 1 to 50";
        return this.#control.trades(n);
      }
      case "stop":
        return this.#control.stop(by);
      case "pause":
        return this.#control.pause(by);
      case "resume":
        return this.#control.resume(by);
      case "start":
      case "help":
        return `Aegis commands:\n${HELP}`;
      default:
        return `unknown command /${command}\n${HELP}`;
    }
  }

  async #reply(text: string): Promise<void> {
    const controller = new AbortController();
    const cancel = this.#clock.setTimer(15_000, () => controller.abort());
    try {
      await this.#api.sendMessage(text.slice(0, 4096), controller.signal);
    } catch (error) {
      this.#log.warn({ error: scrub(networkErrorText(error), this.#secrets) }, "telegram: reply not sent");
    } finally {
      cancel();
    }
  }
}
