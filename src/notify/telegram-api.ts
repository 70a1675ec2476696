import { excerpt, postJson } from "./http-json.js";
import { SendError, type Transport } from "./send-error.js";

export interface TelegramOptions {
  readonly token: string;
  /** The chat that receives alerts and the only one whose commands are obeyed. */
  readonly chatId: string;
  /** Bot API server (default https://api.telegram.org; a local Bot API server or a test server). */
  readonly apiUrl?: string;
}

/** A Telegram Bot API answer: `{ ok: true, result }` or `{ ok: false, error_code, description, parameters }`. */
interface BotAnswer<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export interface TelegramUpdate {
  update_id: number;
  message?: {
    message_id: number;
    chat: { id: number | string; type?: string };
    from?: { id: number; username?: string; first_name?: string };
    text?: string;
    date?: number;
  };
}

/** The Telegram Bot API calls Aegis makes: sendMessage and getUpdates (long polling). */
export class TelegramApi {
  readonly chatId: string;
  readonly #base: string;

  constructor(options: TelegramOptions) {
    this.chatId = options.chatId;
    this.#base = `${(options.apiUrl ?? "https://api.telegram.org").replace(/\/+$/, "")}/bot${options.token}`;
  }

  async call<T>(method: string, body: unknown, signal: AbortSignal): Promise<T> {
    const answer = await postJson(`telegram ${method}`, `${this.#base}/${method}`, body, signal);
    let parsed: BotAnswer<T> | undefined;
    try {
      parsed = JSON.parse(answer.text) as BotAnswer<T>;
    } catch {
      parsed = undefined;
    }
    if (answer.status === 200 && parsed?.ok === true) return parsed.result as T;
    const what = parsed?.description ?? excerpt(answer.text);
    const message = `telegram ${method}: HTTP ${answer.status}${what ? ` ${what}` : ""}`;
    const retryAfter = parsed?.parameters?.retry_after;
    if (answer.status === 429 || retryAfter !== undefined)
      return Promise.reject(
        new SendError(message, {
          transient: true,
          retryAfterMs: retryAfter !== undefined ? retryAfter * 1000 : undefined,
        }),
      );
    // 5xx: Telegram's side; 4xx (bad token, unknown chat, bad request): trying again will not help.
    throw new SendError(message, { transient: answer.status >= 500 });
  }

  sendMessage(text: string, signal: AbortSignal): Promise<unknown> {
    return this.call("sendMessage", { chat_id: this.chatId, text, disable_web_page_preview: true }, signal);
  }

  getUpdates(offset: number, timeoutSeconds: number, signal: AbortSignal): Promise<TelegramUpdate[]> {
    return this.call<TelegramUpdate[]>(
      "getUpdates",
      { offset, timeout: timeoutSeconds, allowed_updates: ["message"] },
      signal,
    );
  }
}

/** Alerts to one Telegram chat, as plain text (no parse mode: a symbol or a reason can never break the markup). */
export function telegramTransport(api: TelegramApi): Transport {
  return {
    name: "telegram",
    maxChars: 4096,
    async send(message, signal) {
      // One alert carries its own headline; a batch gets the count first.
      await api.sendMessage(message.alerts === 1 ? message.text : `${message.subject}\n\n${message.text}`, signal);
    },
  };
}
