import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../testing/aegis-command.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-api-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The processes `pid` started (Linux: every thread lists the children it forked). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

/** Gone, or a zombie its new parent has not reaped yet: either way it serves nothing. */
function ended(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

describe.skipIf(process.platform !== "linux")("aegis trade's API in a child process, when the bot is killed", () => {
  it("ends with it: a SIGKILLed bot leaves no API serving its session", async () => {
    const args = ["trade", "--speed", "600", "--warmup", "40", "--store", join(dir, "k.sqlite"), "--api-port", "0"];
    const bot = spawn(process.execPath, aegisArgv(args), { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    // The API process inherits the bot's stdout: the pipe closes only once both have exited, an event to wait on.
    const closed = new Promise<void>((resolve) => bot.stdout.on("close", () => resolve()));
    let stderr = "";
    bot.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let api: number[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = "";
        bot.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const found = /dashboard and API: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
          if (found && /Ctrl-C stops/.test(stdout)) resolve(found);
        });
        bot.on("exit", (code) => reject(new Error(`the bot exited (${code}) before serving:\n${stderr}`)));
      });
      expect((await fetch(`${url}/api/status`)).status).toBe(200);
      api = childrenOf(bot.pid as number);
      expect(api.length, "the API's process").toBeGreaterThanOrEqual(1);
      bot.kill("SIGKILL");
      await closed;
      for (const pid of api) expect(ended(pid), `process ${pid}`).toBe(true);
      await expect(fetch(`${url}/api/status`)).rejects.toThrow();
    } finally {
      bot.kill("SIGKILL");
      // Were the API left behind (the defect this test is about), it must not outlive the test either.
      for (const pid of api) if (!ended(pid)) process.kill(pid, "SIGKILL");
    }
  }, 120_000);
});
