import { createServer } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import { EventBus } from "../engine/events.js";
import { NotifyConfigError, notifyFromEnv } from "./notify-env.js";
import { FakeSlack, FakeTelegram } from "./testing/fake-services.js";
import { memoryLogger } from "./testing/memory-logger.js";

const parts = () => ({ clock: new ManualClock(0), logger: memoryLogger().logger });

describe("notifyFromEnv", () => {
  it("is off, and says why, when no channel variable is set", () => {
    const setup = notifyFromEnv({}, parts());
    expect(setup.description).toBe("off (none of TELEGRAM_BOT_TOKEN, SLACK_WEBHOOK_URL, SMTP_HOST is set)");
    expect(setup.notifier.health().enabled).toBe(false);
    expect(setup.commands).toBeUndefined();
  });

  it("builds only the channels whose variables are set", () => {
    const control = {
      status: () => "",
      balance: () => "",
      trades: () => "",
      stop: () => "",
      pause: () => "",
      resume: () => "",
    };
    const setup = notifyFromEnv(
      { TELEGRAM_BOT_TOKEN: "1:abc", TELEGRAM_CHAT_ID: "-100123", SLACK_ALERTS: "error" },
      { ...parts(), control },
    );
    expect(setup.description).toBe("telegram (commands on)");
    expect(setup.notifier.health().channels.map((c) => c.channel)).toEqual(["telegram"]);
    expect(setup.commands).toBeDefined();
    const off = notifyFromEnv(
      { TELEGRAM_BOT_TOKEN: "1:abc", TELEGRAM_CHAT_ID: "5", TELEGRAM_COMMANDS: "off" },
      {
        ...parts(),
        control,
      },
    );
    expect(off.description).toBe("telegram (commands off)");
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: "1:abc" }, "TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not"],
    [{ TELEGRAM_BOT_TOKEN: "1:abc", TELEGRAM_CHAT_ID: "alice" }, "TELEGRAM_CHAT_ID must be a numeric chat id"],
    [{ SLACK_WEBHOOK_URL: "not a url with SECRET" }, "SLACK_WEBHOOK_URL is not a URL"],
    [{ SMTP_HOST: "mail.example" }, "SMTP_HOST is set but SMTP_TO (the recipients) is not"],
    [
      { SMTP_HOST: "h", SMTP_TO: "ops@x", SMTP_FROM: "a@x", SMTP_PORT: "99999" },
      'SMTP_PORT must be a port number 1..65535, got "99999"',
    ],
    [{ SMTP_HOST: "h", SMTP_TO: "ops@x" }, "SMTP_FROM (the sender address) is not set"],
    [
      { SLACK_WEBHOOK_URL: "https://h/x", SLACK_ALERTS: "trade,sells" },
      'SLACK_ALERTS: "sells" is not one of trade, risk-rejection',
    ],
    [{ ALERTS_DAILY_HOUR_UTC: "24" }, 'ALERTS_DAILY_HOUR_UTC must be 0..23 or off, got "24"'],
    [{ ALERTS_HOURLY: "sometimes" }, 'ALERTS_HOURLY must be on or off, got "sometimes"'],
  ])("refuses %o naming the variable", (env, message) => {
    expect(() => notifyFromEnv(env, parts())).toThrow(NotifyConfigError);
    expect(() => notifyFromEnv(env, parts())).toThrow(message);
  });

  it("never names a secret value in a configuration error", () => {
    expect(() => notifyFromEnv({ SLACK_WEBHOOK_URL: "ftp://hooks/SECRET-PATH" }, parts())).toThrow(
      /^SLACK_WEBHOOK_URL must be an http\(s\) URL, got a ftp: one$/,
    );
  });
});

describe("secrets in the log", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it("a bot token, a webhook URL and an SMTP password never reach a log line or the health object, whatever fails", async () => {
    const token = "555123:FAKE-SECRET-telegram-token";
    const hookPath = "/services/T0/B0/FAKE-SECRET-slack-hook";
    const password = "FAKE-SECRET-smtp-password";
    // Telegram answers 401 (the server knows another token), Slack a 500, SMTP refuses the login.
    const telegram = await new FakeTelegram("1:the-real-one").start();
    const slack = await new FakeSlack(hookPath).start();
    slack.script({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    const smtp = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (_auth, _session, callback) => callback(new Error("Invalid username or password")),
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    closers.push(
      () => telegram.close(),
      () => slack.close(),
      () => new Promise<void>((resolve) => smtp.close(() => resolve())),
    );

    const log = memoryLogger();
    const clock = new ManualClock(0);
    const env = {
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_CHAT_ID: "42",
      TELEGRAM_API_URL: telegram.url,
      SLACK_WEBHOOK_URL: `${slack.url}${hookPath}`,
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtpPort),
      SMTP_USER: "aegis@example.test",
      SMTP_PASSWORD: password,
      SMTP_TO: "ops@example.test",
    };
    const setup = notifyFromEnv(env, { clock, logger: log.logger });
    const bus = new EventBus();
    setup.notifier.attach(bus);
    bus.publish("KILL_SWITCH", { time: 0, reason: "daily loss" });
    bus.publish("ALERT", { time: 0, level: "critical", message: "store down" });
    // Every channel's window passes and each tries; close gives the ones waiting for a retry their last try.
    clock.advance(60_000);
    await setup.notifier.close();
    // A channel pointing at a closed port: the error names the code, not the URL.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = notifyFromEnv(
      { TELEGRAM_BOT_TOKEN: token, TELEGRAM_CHAT_ID: "42", TELEGRAM_API_URL: `http://127.0.0.1:${closedPort}` },
      { clock, logger: log.logger },
    );
    refused.notifier.raise({ kind: "error", level: "critical", time: clock.now(), title: "x" });
    await refused.notifier.close();

    const health = JSON.stringify([setup.notifier.health(), refused.notifier.health()]);
    const logged = log.text();
    expect(logged).toContain("alert channel");
    expect(health).toContain("HTTP 401 Unauthorized");
    expect(health).toContain("slack: HTTP 500");
    expect(health).toMatch(/email: SMTP 535/);
    expect(health).toContain("network error ECONNREFUSED");
    for (const secret of [token, hookPath, "FAKE-SECRET", password]) {
      expect(logged).not.toContain(secret);
      expect(health).not.toContain(secret);
      expect(setup.description).not.toContain(secret);
    }
  });
});
