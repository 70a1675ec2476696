import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type AlpacaSim, startAlpacaSim } from "../../execution/alpaca-sim/alpaca-sim.js";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-alpaca-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAKE_KEY = "PKFAKE0123456789ABCD";
const FAKE_SECRET = "s3cr3t-FAKE-alpaca-9f8e7d6c5b4a";

/** Runs the real `aegis` entry point in a fresh process with `env` (undefined removes a variable). */
function aegis(args: string[], env: Readonly<Record<string, string | undefined>>, stopWhen?: RegExp) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
      env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)),
    });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stopWhen && !signalled && stopWhen.test(stdout)) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

/** Every file under `path`, read as text. */
function allText(path: string): string {
  let text = "";
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) text += readFileSync(join(entry.parentPath, entry.name), "latin1");
  return text;
}

const noAlpacaEnv = {
  ALPACA_API_KEY: undefined,
  ALPACA_API_SECRET: undefined,
  ALPACA_LIVE_API_KEY: undefined,
  ALPACA_LIVE_API_SECRET: undefined,
  ALPACA_BASE_URL: undefined,
};

describe("aegis trade --exchange alpaca (Alpaca's own API)", () => {
  it("testnet talks to the paper API's wire through ALPACA_BASE_URL: keys from the environment, reconciled, never logged", async () => {
    let sim: AlpacaSim | undefined;
    try {
      // The local Alpaca on the wall clock, accepting only the fake paper keys.
      sim = await startAlpacaSim({ now: Date.now, keys: { key: FAKE_KEY, secret: FAKE_SECRET }, days: 80 });
      const store = join(dir, "paper-api.sqlite");
      const env = {
        ...noAlpacaEnv,
        ALPACA_API_KEY: FAKE_KEY,
        ALPACA_API_SECRET: FAKE_SECRET,
        ALPACA_BASE_URL: sim.url,
      };
      const args = ["trade", "--mode", "testnet", "--exchange", "alpaca", "--symbols", "AAPL", "--warmup", "20"];
      const run = await aegis([...args, "--no-api", "--store", store], env, /Ctrl-C stops/);
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      expect(run.stdout).toContain(`Aegis testnet · Alpaca paper API (${sim.url}, NYSE hours) · 1m`);
      expect(run.stdout).toMatch(/session "testnet-alpaca\.api-1m"/);
      // Reconciliation asked the venue for its orders, cash and positions through the Alpaca venue client.
      const paths = sim.requests.map((r) => `${r.method} ${r.path}`);
      for (const path of ["GET /v2/account", "GET /v2/positions", "GET /v2/orders", "GET /v2/stocks/bars"])
        expect(paths).toContain(path);
      const opened = await openStore(store);
      try {
        expect(await opened.events.list({ kind: "RECONCILED" })).toHaveLength(1);
      } finally {
        await opened.close();
      }
      // The secret is in no output, no log file and not in the store.
      expect(run.stdout + run.stderr).not.toContain(FAKE_SECRET);
      expect(allText(dir)).not.toContain(FAKE_SECRET);
    } finally {
      await sim?.close();
    }
  }, 120_000);

  it("names the missing paper or live keys and a bad base URL with exit 2 before opening anything", async () => {
    const testnet = await aegis(
      ["trade", "--mode", "testnet", "--exchange", "alpaca", "--symbols", "AAPL", "--store", join(dir, "k.sqlite")],
      noAlpacaEnv,
    );
    expect(testnet.code).toBe(2);
    expect(testnet.stderr).toMatch(
      /testnet trading on alpaca needs API keys: set ALPACA_API_KEY and ALPACA_API_SECRET/,
    );
    const paperKeysOnly = { ...noAlpacaEnv, ALPACA_API_KEY: FAKE_KEY, ALPACA_API_SECRET: FAKE_SECRET };
    const badUrl = await aegis(
      ["trade", "--mode", "testnet", "--exchange", "alpaca", "--symbols", "AAPL", "--store", join(dir, "k.sqlite")],
      { ...paperKeysOnly, ALPACA_BASE_URL: "http://example.com" },
    );
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/ALPACA_BASE_URL="http:\/\/example.com" must be an https:\/\/ origin/);
    expect(badUrl.stderr).not.toContain(FAKE_SECRET);
  }, 60_000);
});
