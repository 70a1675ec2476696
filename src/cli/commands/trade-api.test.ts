import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../testing/aegis-command.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `aegis` in a fresh process; `onOutput` sees stdout as it grows. */
function aegis(args: string[], onOutput?: (stdout: string) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput?.(stdout);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("aegis trade with its API", () => {
  it("prints the dashboard URL, answers on 127.0.0.1, and stops from the API with the token (401 without)", async () => {
    let answers: Promise<{ health: unknown; without: number; stop: number }> | undefined;
    const run = await aegis(
      ["trade", "--speed", "600", "--warmup", "40", "--store", join(dir, "api.sqlite"), "--api-port", "0"],
      (stdout) => {
        const url = /dashboard and API: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
        if (!url || answers || !/Ctrl-C stops/.test(stdout)) return;
        answers = (async () => {
          const token = readFileSync(join(dir, ".aegis", "api-token"), "utf8").trim();
          const health = await (await fetch(`${url}/api/health`)).json();
          const body = JSON.stringify({ by: "grace", reason: "from the phone" });
          const headers = { "content-type": "application/json" };
          const without = (await fetch(`${url}/api/control/stop`, { method: "POST", headers, body })).status;
          const stop = (
            await fetch(`${url}/api/control/stop`, {
              method: "POST",
              headers: { ...headers, authorization: `Bearer ${token}` },
              body,
            })
          ).status;
          return { health, without, stop };
        })();
      },
    );
    expect(await answers).toEqual({
      health: expect.objectContaining({ ok: true, live: true }),
      without: 401,
      stop: 200,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/stopping \(emergency stop by grace \(API\): from the phone\)/);
    expect(run.stdout).toMatch(/shield HALTED: stopped by grace: from the phone/);
    expect(readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8")).toMatch(/api listening/);
  }, 120_000);

  it("refuses a bad --api-port in plain words (exit 2)", async () => {
    const run = await aegis(["trade", "--api-port", "99999", "--store", join(dir, "bad.sqlite")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--api-port must be a port number from 0 to 65535/);
  }, 60_000);
});
