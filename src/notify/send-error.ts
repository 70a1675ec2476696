import type { OutgoingMessage } from "./alert.js";

/**
 * Why a channel could not deliver a message. `retryAfterMs` is the wait the service asked for (HTTP 429);
 * `transient` says whether trying again later can help (5xx, a timeout, a refused connection) or not (a wrong
 * token, an unknown chat, a refused recipient). The message never holds a secret: transports build it themselves.
 */
export class SendError extends Error {
  override name = "SendError";
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { transient: boolean; retryAfterMs?: number }) {
    super(message);
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Something that can deliver one message to one destination. */
export interface Transport {
  readonly name: string;
  /** Longest text the service takes in one message. */
  readonly maxChars: number;
  send(message: OutgoingMessage, signal: AbortSignal): Promise<void>;
  close?(): void;
}

/** Hides every secret in a text (an error message from a library can quote a URL holding a bot token). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

/** A network error's text without the request's URL (which may hold a token): its code or cause only. */
export function networkErrorText(error: unknown): string {
  if (error instanceof SendError) return error.message;
  const err = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "AbortError" || err?.name === "TimeoutError") return "timed out";
  const code = err?.cause?.code ?? err?.code;
  return code ? `network error ${code}` : "network error";
}
