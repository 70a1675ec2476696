import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `aegis` entry point in a fresh process; resolves when it exits. */
function aegis(
  args: string[],
  signalAfter?: { text: RegExp; signal: NodeJS.Signals },
  env: Readonly<Record<string, string | undefined>> = {},
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
      // An undefined value removes the variable.
      env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)),
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
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
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

  it("trades testnet on the embedded exchange through the CCXT venue client: orders filled, reconciled at start", async () => {
    const store = join(dir, "testnet.sqlite");
    const spec = join(dir, "fast-cross.yaml");
    writeFileSync(
      spec,
      "name: fast-cross\nindicators:\n  fast: { type: sma, period: 2 }\n  slow: { type: sma, period: 4 }\n" +
        "entry:\n  long: { crossAbove: [fast, slow] }\nexit:\n  long: { crossBelow: [fast, slow] }\n",
    );
    const args = ["trade", "--mode", "testnet", "--symbols", "BTC/USDT", "--speed", "600", "--warmup", "40"];
    const run = await aegis([...args, "--steps", "25", "--cash", "5000", "--strategy", spec, "--store", store]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Aegis testnet · simulated exchange \(Binance wire\) ×600 · 1m/);
    const again = await aegis([...args, "--steps", "2", "--cash", "5000", "--strategy", spec, "--store", store]);
    expect(again.code).toBe(0);
    const opened = await openStore(store);
    try {
      const orders = await opened.orders.range();
      expect(orders.length).toBeGreaterThan(0);
      for (const order of orders) {
        expect(order.clientOrderId).toMatch(/^testnet-sim-1m-\d+$/);
        expect(order.status).toBe("filled");
        expect(order.venueOrderId).toMatch(/^\d+$/);
      }
      const reconciled = await opened.events.list({ kind: "RECONCILED" });
      expect(reconciled).toHaveLength(2);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("trades testnet stocks on the local Alpaca through the Alpaca venue client: fractional shares, no lot lost", async () => {
    const store = join(dir, "alpaca.sqlite");
    const spec = join(dir, "fast-cross-stocks.yaml");
    writeFileSync(
      spec,
      "name: fast-cross\nindicators:\n  fast: { type: sma, period: 2 }\n  slow: { type: sma, period: 4 }\n" +
        "entry:\n  long: { crossAbove: [fast, slow] }\nexit:\n  long: { crossBelow: [fast, slow] }\n",
    );
    const args = ["trade", "--mode", "testnet", "--exchange", "alpaca-sim", "--symbols", "AAPL", "--speed", "600"];
    const run = await aegis([...args, "--warmup", "40", "--steps", "30", "--strategy", spec, "--store", store]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Aegis testnet · local Alpaca \(NYSE hours\) ×600 · 1m/);
    const opened = await openStore(store);
    try {
      const orders = await opened.orders.range();
      expect(orders.length).toBeGreaterThan(1);
      for (const order of orders) {
        expect(order).toMatchObject({ symbol: "AAPL", status: "filled" });
        expect(order.clientOrderId).toMatch(/^testnet-alpaca-1m-\d+$/);
        expect(order.venueOrderId).toMatch(/^sim-\d{8}-/);
      }
      // Each exit sells exactly what its entry bought: the fractional share quantity survives the round trip.
      const trades = await opened.trades.range();
      expect(trades.length).toBeGreaterThan(0);
      const fills = await opened.fills.range();
      const buys = fills.filter((f) => f.side === "buy");
      const sells = fills.filter((f) => f.side === "sell");
      expect(sells.length).toBeGreaterThan(0);
      expect(sells.map((f) => f.qty)).toEqual(buys.slice(0, sells.length).map((f) => f.qty));
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("refuses live trading with both gates but no keys in the environment, naming them (exit 2)", async () => {
    const config = join(dir, "live-keys.yaml");
    writeFileSync(config, "trading:\n  live: true\n");
    const run = await aegis(
      [
        "--config",
        config,
        "trade",
        "--mode",
        "live",
        "--live",
        "--exchange",
        "binance",
        "--store",
        join(dir, "k.sqlite"),
      ],
      undefined,
      { AEGIS_BINANCE_KEY: undefined, AEGIS_BINANCE_SECRET: undefined },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /live trading on binance needs API keys: set AEGIS_BINANCE_KEY and AEGIS_BINANCE_SECRET/,
    );
    const badUrl = await aegis([
      "trade",
      "--mode",
      "testnet",
      "--venue-url",
      "http://example.com",
      "--store",
      join(dir, "k.sqlite"),
    ]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--venue-url must be http:\/\/127.0.0.1:PORT/);
  }, 60_000);

  // Every option's check is in trade-options.test.ts; here, that a refusal is exit 2 before anything starts.
  it("names a bad option value with exit code 2 before starting anything", async () => {
    for (const [args, message] of [
      [["--speed", "0"], /--speed must be a number from 1 to 10000/],
      [["--strategy", "nope"], /nope/],
    ] as const) {
      const run = await aegis(["trade", ...args, "--store", join(dir, "bad.sqlite")]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  }, 120_000);
});
