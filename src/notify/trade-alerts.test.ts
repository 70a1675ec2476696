import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../cli/testing/aegis-command.js";
import { FakeTelegram } from "./testing/fake-services.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-alerts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = "4242:FAKE-SECRET-token-for-trade-test";
const CHAT = 31337;

/** The real `aegis` entry point in a fresh process, with only the alert variables given here. */
function aegis(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TELEGRAM_|SLACK_|SMTP_|ALERTS_|AEGIS_)/.test(k)),
  );
  const child = spawn(process.execPath, aegisArgv(args), {
    cwd: dir,
    env: { ...clean, ...env },
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (c: Buffer) => {
    out.stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    out.stderr += c.toString();
  });
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const printed = (text: RegExp) =>
    new Promise<void>((done) => {
      const check = () => {
        if (text.test(out.stdout)) {
          child.stdout.off("data", check);
          done();
        }
      };
      child.stdout.on("data", check);
      check();
    });
  return { child, out, exited, printed };
}

describe("aegis trade with alerts", () => {
  let running: ChildProcess | undefined;
  afterAll(() => {
    if (running && running.exitCode === null) running.kill("SIGKILL");
  });

  it("refuses a half-configured channel with exit 2, naming the missing variable", async () => {
    const run = aegis(["trade", "--steps", "1"], { TELEGRAM_BOT_TOKEN: TOKEN });
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toContain("TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not");
    expect(run.out.stderr).not.toContain(TOKEN);
  }, 120_000);

  it("says alerts are off when no channel is set", async () => {
    const run = aegis(
      ["trade", "--steps", "2", "--speed", "600", "--warmup", "30", "--store", join(dir, "off.sqlite")],
      {},
    );
    expect(await run.exited).toBe(0);
    expect(run.out.stdout).toContain("alerts: off (none of TELEGRAM_BOT_TOKEN, SLACK_WEBHOOK_URL, SMTP_HOST is set)");
    // The status block under it says so as well.
    expect(run.out.stdout).toContain("alerts off: no channel configured");
  }, 120_000);

  it("answers /status and /pause from Telegram, and /stop stops the bot through the same latch as `aegis stop`", async () => {
    const telegram = await new FakeTelegram(TOKEN).start();
    try {
      const run = aegis(
        ["trade", "--speed", "600", "--warmup", "30", "--store", join(dir, "tg.sqlite"), "--session", "tg"],
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: String(CHAT), TELEGRAM_API_URL: telegram.url },
      );
      running = run.child;
      await run.printed(/Ctrl-C stops/);
      // Commands count from the long poll that follows the skipped backlog.
      await telegram.pollArrived(2);
      expect(run.out.stdout).toContain("alerts: telegram (commands on)");
      const reply = async (text: string) => {
        const index = telegram.received.length;
        telegram.say(CHAT, text);
        return ((await telegram.request(index)).body as { text: string }).text;
      };
      expect(await reply("/status")).toMatch(/^(starting|Aegis paper · simulated exchange)/);
      expect(await reply("/pause")).toContain("new entries paused");
      expect(await reply("/stop")).toContain("stop requested by telegram:alice");
      expect(await run.exited).toBe(0);
      expect(run.out.stderr).toContain("stopping (emergency stop by telegram:alice: emergency stop from Telegram)");
      // The halt of the emergency stop went out as a critical alert before the bot exited.
      expect(telegram.sent().some((m) => m.text.includes("KILL SWITCH: trading halted"))).toBe(true);
      const log = readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8");
      expect(log).toContain("telegram command");
      expect(log).not.toContain(TOKEN);
    } finally {
      await telegram.close();
    }
  }, 120_000);
});
