import { excerpt, postJson, retryAfterHeader } from "./http-json.js";
import { SendError, type Transport } from "./send-error.js";

/**
 * Alerts to a Slack incoming webhook (`{ text }`). Slack answers 200 "ok"; 429 with a Retry-After header in seconds;
 * 400/403/404/410 with a reason (invalid_payload, no_service, channel_is_archived …) that no retry will fix.
 */
export function slackTransport(webhookUrl: string, clock: { now(): number } = Date): Transport {
  return {
    name: "slack",
    maxChars: 3_500,
    async send(message, signal) {
      const answer = await postJson(
        "slack",
        webhookUrl,
        { text: message.alerts === 1 ? message.text : `*${message.subject}*\n${message.text}` },
        signal,
      );
      if (answer.status >= 200 && answer.status < 300) return;
      const text = `slack: HTTP ${answer.status} ${excerpt(answer.text)}`.trim();
      if (answer.status === 429) {
        const retryAfterMs = retryAfterHeader(answer.headers.get("retry-after"), clock.now());
        throw new SendError(text, { transient: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
      }
      throw new SendError(text, { transient: answer.status >= 500 });
    },
  };
}
