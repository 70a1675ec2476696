import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { LIVE_PROTOCOL } from "../../server/live.js";
import { runAegis } from "../testing/run-aegis.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-api-thread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How long the bot may run; past it the process is killed and the test fails. */
const BOUND_MS = 120_000;

/** The first message of a type on the live stream (after the hello), then the socket is closed. */
function firstLive(url: string, type: string) {
  return new Promise<{ type: string; data: { event?: string } }>((resolve, reject) => {
    const socket = new WebSocket(`${url.replace("http", "ws")}/api/live`, [LIVE_PROTOCOL]);
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; data: { event?: string } };
      if (message.type !== type) return;
      socket.close();
      resolve(message);
    });
    socket.on("error", reject);
  });
}

describe("aegis trade with its API in a worker thread (the default)", () => {
  it("answers status, portfolio and decisions, streams bars, and stops with the token (401 without)", async () => {
    type Answers = {
      status: unknown;
      portfolio: number;
      decisions: number;
      bar: unknown;
      without: number;
      stop: number;
    };
    let answers: Promise<Answers> | undefined;
    const args = ["trade", "--speed", "600", "--warmup", "40", "--store", join(dir, "t.sqlite"), "--api-port", "0"];
    const run = await runAegis(args, {
      cwd: dir,
      boundMs: BOUND_MS,
      onOutput: (stdout) => {
        const url = /dashboard and API: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
        if (!url || answers || !/Ctrl-C stops/.test(stdout)) return;
        answers = (async () => {
          const token = readFileSync(join(dir, ".aegis", "api-token"), "utf8").trim();
          const bar = await firstLive(url, "bar");
          const status = await (await fetch(`${url}/api/status`)).json();
          const portfolio = (await fetch(`${url}/api/portfolio`)).status;
          const decisions = (await fetch(`${url}/api/decisions`)).status;
          const body = JSON.stringify({ by: "heidi", reason: "from the worker", flatten: true });
          const headers = { "content-type": "application/json" };
          const without = (await fetch(`${url}/api/control/stop`, { method: "POST", headers, body })).status;
          const stop = (
            await fetch(`${url}/api/control/stop`, {
              method: "POST",
              headers: { ...headers, authorization: `Bearer ${token}` },
              body,
            })
          ).status;
          return { status, portfolio, decisions, bar, without, stop };
        })();
      },
    });
    expect(run.timedOut, run.stderr).toBe(false);
    expect(await answers).toEqual({
      status: expect.objectContaining({ mode: "trading", steps: expect.any(Number) }),
      portfolio: 200,
      decisions: 200,
      bar: expect.objectContaining({ type: "bar", data: expect.objectContaining({ event: "MARKET_DATA" }) }),
      without: 401,
      stop: 200,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/stopping \(emergency stop by heidi \(API\): from the worker\)/);
    const log = readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8");
    expect(log).toMatch(/"thread":true.*"msg":"api listening"/);
  }, 150_000);
});
