/** What an alert is about; channels and people filter on it. */
export const ALERT_KINDS = [
  "trade",
  "risk-rejection",
  "kill-switch",
  "reconciliation",
  "feed",
  "strategy-approval",
  "daily-summary",
  "hourly-status",
  "heartbeat",
  "error",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertLevel = "info" | "warning" | "critical";

export interface Alert {
  readonly kind: AlertKind;
  readonly level: AlertLevel;
  /** Unix ms of what happened (not of the send). */
  readonly time: number;
  /** One line: "BUY 0.01 BTC/USDT @ 30,000.00". */
  readonly title: string;
  /** Optional details, a few lines at most. */
  readonly text?: string;
}

/** What a channel sends: one message that may carry several coalesced alerts. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly text: string;
  readonly level: AlertLevel;
  readonly alerts: number;
}

const LEVEL_RANK: Record<AlertLevel, number> = { info: 0, warning: 1, critical: 2 };
const LEVEL_MARK: Record<AlertLevel, string> = { info: "", warning: "⚠️ ", critical: "🚨 " };

export function isKind(value: string): value is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(value);
}

const hhmmss = (t: number) => new Date(t).toISOString().slice(11, 19);

/**
 * Several alerts as one message (a burst of fills becomes one Telegram message, not twenty). The subject is the
 * single alert's title, or a count naming the most severe level; `maxChars` cuts the body at a line, saying
 * how many alerts did not fit, since Telegram refuses messages over 4096 characters.
 */
export function formatBatch(alerts: readonly Alert[], maxChars: number, dropped = 0): OutgoingMessage {
  let level: AlertLevel = "info";
  for (const a of alerts) if (LEVEL_RANK[a.level] > LEVEL_RANK[level]) level = a.level;
  const first = alerts[0];
  const subject =
    alerts.length === 1 && first
      ? `${LEVEL_MARK[first.level]}Aegis: ${first.title}`
      : `${LEVEL_MARK[level]}Aegis: ${alerts.length} alerts`;
  const blocks = alerts.map((a) => {
    const head = `${LEVEL_MARK[a.level]}[${hhmmss(a.time)} UTC] ${a.title}`;
    return a.text ? `${head}\n${a.text}` : head;
  });
  const tail = dropped > 0 ? `(${dropped} earlier alert(s) were dropped: the queue was full)` : "";
  let text = "";
  let shown = 0;
  for (const block of blocks) {
    const next = text === "" ? block : `${text}\n\n${block}`;
    // Room for the "N more" line and the dropped note.
    if (next.length + tail.length + 40 > maxChars && shown > 0) break;
    text = next.length > maxChars ? `${next.slice(0, maxChars - tail.length - 40)}…` : next;
    shown++;
  }
  if (shown < blocks.length) text += `\n\n… and ${blocks.length - shown} more`;
  if (tail) text += `\n\n${tail}`;
  return { subject, text, level, alerts: alerts.length };
}
