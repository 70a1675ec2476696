import type { Clock } from "../domain/clock.js";
import { ALERT_KINDS, type AlertKind, isKind } from "./alert.js";
import { type ChannelPolicy, ChannelQueue, type NotifyLogger } from "./channel-queue.js";
import { type EmailOptions, emailTransport } from "./email.js";
import { type AlertsHealth, Notifier, type NotifierChannel, type ReportSource } from "./notifier.js";
import type { ScheduleOptions } from "./schedules.js";
import type { Transport } from "./send-error.js";
import { slackTransport } from "./slack.js";
import { TelegramApi, telegramTransport } from "./telegram-api.js";
import { TelegramCommands, type TelegramCommandsHealth, type TradingControl } from "./telegram-commands.js";

/** A wrong alert setting; the message names the variable, never its value (it may be a secret). */
export class NotifyConfigError extends Error {
  override name = "NotifyConfigError";
}

/** Every environment variable the alerts read, for the README and `--help`. */
export const NOTIFY_ENV = {
  TELEGRAM_BOT_TOKEN: "Telegram bot token from @BotFather (secret)",
  TELEGRAM_CHAT_ID: "chat that gets alerts; the only chat whose commands are obeyed",
  TELEGRAM_API_URL: "Bot API server (default https://api.telegram.org)",
  TELEGRAM_COMMANDS: "on|off: answer /status /balance /trades /pause /resume /stop (default on)",
  TELEGRAM_ALERTS: "alert kinds for Telegram, comma-separated (default all)",
  SLACK_WEBHOOK_URL: "Slack incoming webhook URL (secret)",
  SLACK_ALERTS: "alert kinds for Slack (default all)",
  SMTP_HOST: "SMTP server; with SMTP_TO, turns e-mail alerts on",
  SMTP_PORT: "default 587 (465 with SMTP_SECURE=true)",
  SMTP_SECURE: "true: implicit TLS; false (default): STARTTLS when offered",
  SMTP_USER: "SMTP login",
  SMTP_PASSWORD: "SMTP password (secret)",
  SMTP_FROM: "sender address (default SMTP_USER)",
  SMTP_TO: "recipients, comma-separated",
  SMTP_ALERTS: "alert kinds for e-mail (default all)",
  ALERTS_DAILY_HOUR_UTC: "hour of the daily summary, 0-23 or off (default 0)",
  ALERTS_HOURLY: "on|off: hourly status report (default on)",
  ALERTS_HEARTBEAT_HOURS: "heartbeat period in hours, 0 = off (default 6)",
  ALERTS_REPEAT_MINUTES: "the same alert (a layer denying again) at most once per this many minutes (default 15)",
} as const;

export interface NotifySetup {
  readonly notifier: Notifier;
  /** Telegram commands, when Telegram is configured and TELEGRAM_COMMANDS is not off. */
  readonly commands: TelegramCommands | undefined;
  /** "telegram (commands on), slack" or "off (no TELEGRAM_BOT_TOKEN, SLACK_WEBHOOK_URL or SMTP_HOST set)". */
  readonly description: string;
  /** Values that must never reach a log line. */
  readonly secrets: readonly string[];
  /** Every channel and the command poller, for the readiness check. */
  health(): AlertsHealth & { readonly telegramCommands?: TelegramCommandsHealth };
}

/** E-mail is paced slower than chat: a digest a minute at most, a few a minute sustained. */
const EMAIL_POLICY: Partial<ChannelPolicy> = { burst: 2, perMinute: 2, batchMs: 60_000, maxBatch: 100 };

/** The alert settings read from the environment: which channels, their destinations, the timed reports. */
export interface NotifySettings {
  readonly telegram?: {
    token: string;
    chatId: string;
    apiUrl?: string;
    commands: boolean;
    kinds?: ReadonlySet<AlertKind>;
  };
  readonly slack?: { webhookUrl: string; kinds?: ReadonlySet<AlertKind> };
  readonly email?: EmailOptions & { kinds?: ReadonlySet<AlertKind> };
  readonly schedule: ScheduleOptions;
  readonly repeatMs: number;
  /** Values that must never reach a log line. */
  readonly secrets: readonly string[];
}

/**
 * Reads and checks the alert variables (each channel optional; none = alerts off). Throws a NotifyConfigError
 * naming the variable, so a typo stops the bot at start rather than silencing its alerts.
 */
export function readNotifyEnv(env: NodeJS.ProcessEnv): NotifySettings {
  const get = (name: keyof typeof NOTIFY_ENV) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const secrets = [get("TELEGRAM_BOT_TOKEN"), get("SLACK_WEBHOOK_URL"), get("SMTP_PASSWORD")].filter(
    (s): s is string => s !== undefined,
  );
  let telegram: NotifySettings["telegram"];
  const token = get("TELEGRAM_BOT_TOKEN");
  const chatId = get("TELEGRAM_CHAT_ID");
  if (token !== undefined || chatId !== undefined) {
    if (token === undefined) throw new NotifyConfigError("TELEGRAM_CHAT_ID is set but TELEGRAM_BOT_TOKEN is not");
    if (chatId === undefined) throw new NotifyConfigError("TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not");
    if (!/^-?\d+$|^@\w+$/.test(chatId))
      throw new NotifyConfigError("TELEGRAM_CHAT_ID must be a numeric chat id (e.g. 123456789 or -100…) or @channel");
    const apiUrl = get("TELEGRAM_API_URL");
    if (apiUrl !== undefined) checkUrl("TELEGRAM_API_URL", apiUrl);
    telegram = {
      token,
      chatId,
      ...(apiUrl !== undefined ? { apiUrl } : {}),
      commands: onOff("TELEGRAM_COMMANDS", get("TELEGRAM_COMMANDS"), true),
      ...kinds("TELEGRAM_ALERTS", get("TELEGRAM_ALERTS")),
    };
  }

  let slack: NotifySettings["slack"];
  const webhookUrl = get("SLACK_WEBHOOK_URL");
  if (webhookUrl !== undefined) {
    checkUrl("SLACK_WEBHOOK_URL", webhookUrl);
    slack = { webhookUrl, ...kinds("SLACK_ALERTS", get("SLACK_ALERTS")) };
  }

  let email: NotifySettings["email"];
  const host = get("SMTP_HOST");
  const to = get("SMTP_TO");
  if (host !== undefined || to !== undefined) {
    if (host === undefined) throw new NotifyConfigError("SMTP_TO is set but SMTP_HOST is not");
    if (to === undefined) throw new NotifyConfigError("SMTP_HOST is set but SMTP_TO (the recipients) is not");
    const recipients = to
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    for (const r of recipients)
      if (!/^[^@\s]+@[^@\s]+$/.test(r)) throw new NotifyConfigError(`SMTP_TO: "${r}" is not an e-mail address`);
    const secure = onOff("SMTP_SECURE", get("SMTP_SECURE"), false);
    const portText = get("SMTP_PORT");
    const port = portText === undefined ? (secure ? 465 : 587) : Number(portText);
    if (!(Number.isInteger(port) && port >= 1 && port <= 65_535))
      throw new NotifyConfigError(`SMTP_PORT must be a port number 1..65535, got "${portText}"`);
    const user = get("SMTP_USER");
    const password = get("SMTP_PASSWORD");
    const from = get("SMTP_FROM") ?? (user?.includes("@") ? user : undefined);
    if (from === undefined) throw new NotifyConfigError("SMTP_FROM (the sender address) is not set");
    email = {
      host,
      port,
      secure,
      from,
      to: recipients,
      ...(user !== undefined ? { user } : {}),
      ...(password !== undefined ? { password } : {}),
      ...kinds("SMTP_ALERTS", get("SMTP_ALERTS")),
    };
  }

  const repeatText = get("ALERTS_REPEAT_MINUTES");
  const repeatMinutes = repeatText === undefined ? 15 : Number(repeatText);
  if (!(repeatMinutes >= 0 && repeatMinutes <= 1440))
    throw new NotifyConfigError(`ALERTS_REPEAT_MINUTES must be 0..1440, got "${repeatText}"`);
  return {
    ...(telegram ? { telegram } : {}),
    ...(slack ? { slack } : {}),
    ...(email ? { email } : {}),
    schedule: scheduleFrom(get),
    repeatMs: repeatMinutes * 60_000,
    secrets,
  };
}

/**
 * Builds the configured channels, the notifier over them and the Telegram command poller. Nothing is contacted
 * here: the first message goes out with the first alert, the first poll when `commands.start()` is called.
 */
export function buildNotify(
  settings: NotifySettings,
  parts: { clock: Clock; logger: NotifyLogger; reports?: ReportSource; control?: TradingControl },
): NotifySetup {
  const { secrets } = settings;
  const queue = (transport: Transport, policy?: Partial<ChannelPolicy>) => makeQueue(transport, parts, secrets, policy);
  const channels: NotifierChannel[] = [];
  const names: string[] = [];
  let commands: TelegramCommands | undefined;
  const { telegram, slack, email } = settings;
  if (telegram) {
    const api = new TelegramApi(telegram);
    channels.push({ queue: queue(telegramTransport(api)), ...(telegram.kinds ? { kinds: telegram.kinds } : {}) });
    if (telegram.commands && parts.control)
      commands = new TelegramCommands({
        api,
        control: parts.control,
        clock: parts.clock,
        logger: parts.logger,
        secrets,
      });
    names.push(`telegram (commands ${commands ? "on" : "off"})`);
  }
  if (slack) {
    channels.push({
      queue: queue(slackTransport(slack.webhookUrl, parts.clock)),
      ...(slack.kinds ? { kinds: slack.kinds } : {}),
    });
    names.push("slack");
  }
  if (email) {
    channels.push({
      queue: queue(emailTransport(email), EMAIL_POLICY),
      ...(email.kinds ? { kinds: email.kinds } : {}),
    });
    names.push("e-mail");
  }
  const notifier = new Notifier({
    channels,
    clock: parts.clock,
    logger: parts.logger,
    schedule: settings.schedule,
    repeatMs: settings.repeatMs,
    ...(parts.reports ? { reports: parts.reports } : {}),
  });
  return {
    notifier,
    commands,
    secrets,
    health: () => ({ ...notifier.health(), ...(commands ? { telegramCommands: commands.health() } : {}) }),
    description:
      names.length > 0 ? names.join(", ") : "off (none of TELEGRAM_BOT_TOKEN, SLACK_WEBHOOK_URL, SMTP_HOST is set)",
  };
}

/** `readNotifyEnv` then `buildNotify`. */
export function notifyFromEnv(
  env: NodeJS.ProcessEnv,
  parts: { clock: Clock; logger: NotifyLogger; reports?: ReportSource; control?: TradingControl },
): NotifySetup {
  return buildNotify(readNotifyEnv(env), parts);
}

function makeQueue(
  transport: Transport,
  parts: { clock: Clock; logger: NotifyLogger },
  secrets: readonly string[],
  policy?: Partial<ChannelPolicy>,
): ChannelQueue {
  return new ChannelQueue({
    transport,
    clock: parts.clock,
    logger: parts.logger,
    secrets,
    ...(policy ? { policy } : {}),
  });
}

function checkUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new NotifyConfigError(`${name} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new NotifyConfigError(`${name} must be an http(s) URL, got a ${url.protocol} one`);
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (["on", "true", "1", "yes"].includes(v)) return true;
  if (["off", "false", "0", "no"].includes(v)) return false;
  throw new NotifyConfigError(`${name} must be on or off, got "${value}"`);
}

function kinds(name: string, value: string | undefined): { kinds?: ReadonlySet<AlertKind> } {
  if (value === undefined || value.toLowerCase() === "all") return {};
  const out = new Set<AlertKind>();
  for (const part of value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    if (!isKind(part)) throw new NotifyConfigError(`${name}: "${part}" is not one of ${ALERT_KINDS.join(", ")}`);
    out.add(part);
  }
  return { kinds: out };
}

function scheduleFrom(get: (name: keyof typeof NOTIFY_ENV) => string | undefined): ScheduleOptions {
  const dailyText = get("ALERTS_DAILY_HOUR_UTC");
  let dailyHourUtc: number | null = 0;
  if (dailyText !== undefined) {
    dailyHourUtc = dailyText.toLowerCase() === "off" ? null : Number(dailyText);
    if (dailyHourUtc !== null && !(Number.isInteger(dailyHourUtc) && dailyHourUtc >= 0 && dailyHourUtc <= 23))
      throw new NotifyConfigError(`ALERTS_DAILY_HOUR_UTC must be 0..23 or off, got "${dailyText}"`);
  }
  const heartbeatText = get("ALERTS_HEARTBEAT_HOURS");
  const heartbeatHours = heartbeatText === undefined ? 6 : Number(heartbeatText);
  if (!(heartbeatHours >= 0 && heartbeatHours <= 168))
    throw new NotifyConfigError(`ALERTS_HEARTBEAT_HOURS must be 0..168, got "${heartbeatText}"`);
  return {
    dailyHourUtc,
    hourly: onOff("ALERTS_HOURLY", get("ALERTS_HOURLY"), true),
    heartbeatMs: heartbeatHours * 3_600_000,
  };
}
