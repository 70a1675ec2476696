import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";

const root = resolve(import.meta.dirname, "../../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const dir = mkdtempSync(join(tmpdir(), "aegis-trade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `aegis` entry point in a fresh process; resolves when it exits. */
function aegis(args: string[], signalAfter?: { text: RegExp; signal: NodeJS.Signals }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, join(root, "src/cli/main.ts"), ...args], {
      cwd: dir,
    });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (signalAfter && !signalled && signalAfter.text.test(stdout)) {
        signalled = true;
        child.kill(signalAfter.signal);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("aegis trade", () => {
  it("paper-trades the embedded simulated exchange, persists every step, and resumes the same session", async () => {
    const store = join(dir, "paper.sqlite");
    const first = await aegis(["trade", "--steps", "30", "--speed", "600", "--warmup", "40", "--store", store]);
    expect(first.stderr).toMatch(/stopping \(--steps reached\)/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Aegis paper · simulated exchange \(Binance wire\) ×600 · 1m/);
    expect(first.stdout).toMatch(/step 30\n/);
    const second = await aegis(["trade", "--steps", "5", "--speed", "600", "--warmup", "40", "--store", store]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resumed from the step closing at 2024-01-01T/);
    const status = await aegis(["status", "--store", store]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/session paper-sim-1m · last step 2024-01-01 \d\d:\d\d:00 UTC/);
    expect(status.stdout).toMatch(/equity [\d,]+\.\d\d \([+-]\d+\.\d\d %\)/);
    expect(status.stdout).toMatch(/kill switch not tripped/);
    const opened = await openStore(store);
    try {
      const equity = await opened.equity.range();
      expect(equity.length).toBe(35);
      const times = equity.map((e) => e.time);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(new Set(times).size).toBe(times.length);
      expect(await opened.events.list({ kind: "SESSION_RESUMED" })).toHaveLength(1);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("stops gracefully on SIGTERM: the step in progress is finished and saved", async () => {
    const run = await aegis(
      ["trade", "--speed", "600", "--warmup", "40", "--store", join(dir, "term.sqlite"), "--session", "t"],
      { text: /Ctrl-C stops/, signal: "SIGTERM" },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/stopping \(SIGTERM\): finishing the step, saving, closing connections/);
    expect(run.stdout).toMatch(/stopped/);
  }, 60_000);

  it("carries out `aegis stop --flatten` from another process: halts, closes every position, records who, exits", async () => {
    const store = join(dir, "stop.sqlite");
    // The bot runs until stopped; once it has traded a while, a second process asks it to stop.
    const bot = aegis(
      ["trade", "--speed", "600", "--warmup", "40", "--store", store, "--session", "s", "--strategy", "sma-cross"],
      {
        text: /step [3-9]\d\n/,
        signal: "SIGCONT",
      },
    );
    const deadline = Date.now() + 60_000;
    let requested = false;
    while (!requested && Date.now() < deadline) {
      const stop = await aegis(["stop", "--by", "alice", "--reason", "drill", "--flatten", "--store", store]);
      requested = stop.code === 0;
      // Until the bot has created its store and committed a first step, the stop names what is missing.
      if (!requested) expect(stop.stderr).toMatch(/no trading session|no such file/);
    }
    const run = await bot;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/stopping \(emergency stop by alice: drill\)/);
    expect(run.stdout).toMatch(/shield HALTED: stopped by alice: drill/);
    expect(run.stdout).toMatch(/positions: none/);
    const opened = await openStore(store);
    try {
      expect(await opened.events.list({ kind: "EMERGENCY_STOP" })).toHaveLength(1);
      expect(await opened.events.list({ kind: "stop.requested" })).toHaveLength(1);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("refuses a stop without a name, and one for a session that does not exist", async () => {
    const noName = await aegis(["stop", "--store", join(dir, "stop.sqlite")]);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/needs --by NAME/);
    const unknown = await aegis(["stop", "--by", "bob", "--session", "nope", "--store", join(dir, "stop.sqlite")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no session named nope/);
  }, 60_000);

  it("refuses live trading without both gates, naming each", async () => {
    const run = await aegis(["trade", "--mode", "live", "--live", "--store", join(dir, "live.sqlite")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /needs both `trading.live: true` in the config file and --live .* got trading.live=false and --live=true/,
    );
    const config = join(dir, "live.yaml");
    writeFileSync(config, "trading:\n  live: true\n");
    const noFlag = await aegis(["--config", config, "trade", "--mode", "live", "--store", join(dir, "live.sqlite")]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toMatch(/got trading.live=true and --live=false/);
  }, 60_000);

  it("names a bad option value with exit code 2 before starting anything", async () => {
    for (const [args, message] of [
      [["--symbols", "BTCUSDT"], /--symbols: "BTCUSDT" is not BASE\/QUOTE/],
      [["--speed", "0"], /--speed must be a number from 1 to 10000/],
      [["--timeframe", "7m"], /--timeframe 7m is not one of/],
      [["--strategy", "nope"], /nope/],
    ] as const) {
      const run = await aegis(["trade", ...args, "--store", join(dir, "bad.sqlite")]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  }, 120_000);
});
