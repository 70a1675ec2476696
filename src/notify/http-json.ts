import { networkErrorText, SendError } from "./send-error.js";

/** Seconds (or an HTTP date) in a Retry-After header, as milliseconds. */
export function retryAfterHeader(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * POSTs JSON. Network failures become a transient SendError that names the service and the error code, never the
 * URL (a Telegram URL holds the bot token, a Slack webhook URL is itself the secret).
 */
export async function postJson(
  service: string,
  url: string,
  body: unknown,
  signal: AbortSignal,
): Promise<{ status: number; headers: Headers; text: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    throw new SendError(`${service}: ${networkErrorText(error)}`, { transient: true });
  }
}

/** A short, single-line excerpt of a service's answer for a log line. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
