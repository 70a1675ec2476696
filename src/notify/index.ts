export { ALERT_KINDS, type Alert, type AlertKind, type AlertLevel } from "./alert.js";
export { type ChannelHealth, type ChannelPolicy, ChannelQueue, type NotifyLogger } from "./channel-queue.js";
export { type AlertsHealth, Notifier, type ReportSource } from "./notifier.js";
export {
  buildNotify,
  NOTIFY_ENV,
  NotifyConfigError,
  type NotifySettings,
  type NotifySetup,
  notifyFromEnv,
  readNotifyEnv,
} from "./notify-env.js";
export { sessionControl } from "./session-control.js";
export { TelegramCommands, type TelegramCommandsHealth, type TradingControl } from "./telegram-commands.js";

import type { AlertsHealth } from "./notifier.js";

/** One status line: "alerts: telegram ok · slack FAILING (HTTP 500, 3 queued, 0 dropped)" or "alerts: off (…)". */
export function formatAlertsLine(health: AlertsHealth): string {
  if (!health.enabled) return `  ${health.note ?? "alerts off"}`;
  const parts = health.channels.map((c) =>
    c.healthy
      ? `${c.channel} ok${c.dropped > 0 ? ` (${c.dropped} dropped)` : ""}`
      : `${c.channel} FAILING (${c.lastError?.message ?? "?"}; ${c.queued} queued, ${c.dropped} dropped)`,
  );
  return `  alerts: ${parts.join(" · ")}`;
}
