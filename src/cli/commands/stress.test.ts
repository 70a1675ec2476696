import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { aegisArgv } from "../testing/aegis-command.js";

const tempDirs: string[] = [];
/** A fresh directory under the OS temp folder, removed when this file's tests are done. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const root = resolve(import.meta.dirname, "../../..");
const btc = resolve(root, "../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz");

/** Runs the real `aegis` entry point in a fresh process, as test/cli.test.ts does. */
function aegis(args: string[]) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: tempDir("aegis-stress-"),
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonInjection {
  position: string;
  positionStopped: boolean;
  maxDrawdown: number;
  stopExits: { reason: string }[];
  passed: boolean;
}

describe("aegis stress", () => {
  it("fails sma-cross without a stop with exit code 1, a row per injection and the reasons", () => {
    const run = aegis(["stress", "--strategy", "sma-cross", "--bars", "3000"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Aegis stress test — sma-cross/);
    expect(run.stdout).toMatch(/flash crash −20\.0 % inside the bar, rebound 50\.0 % of it over 6 bars/);
    const rows = run.stdout.split("\n").filter((line) => /^\s*\d+\s+\d{4}-\d{2}-\d{2} /.test(line));
    expect(rows).toHaveLength(5);
    expect(run.stdout).toMatch(/stop-loss {2}NONE/);
    expect(run.stdout).toMatch(/verdict {4}FAIL/);
    expect(run.stdout).toMatch(/no stop-loss/);
  });

  it("passes sma-cross with --param stopLoss=3 with exit code 0; the JSON shows the stop closing each long", () => {
    const run = aegis(["stress", "--strategy", "sma-cross", "--param", "stopLoss=3", "--bars", "3000", "--json"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as {
      meta: { strategy: string; bars: number };
      passed: boolean;
      stop: { declared: string[] };
      injections: JsonInjection[];
    };
    expect(report.meta).toMatchObject({ strategy: "sma-cross", bars: 3000 });
    expect(report.stop.declared).toEqual(["stopLossPct 3"]);
    const long = report.injections.filter((i) => i.position === "long");
    expect(long.length).toBeGreaterThan(0);
    for (const injection of long) {
      expect(injection.positionStopped).toBe(true);
      expect(injection.stopExits[0]?.reason).toBe("stop-loss");
      expect(injection.maxDrawdown).toBeLessThan(0.15);
    }
    expect(report.passed).toBe(true);
    expect(run.code).toBe(0);
  });

  it.each([
    [["stress", "--bars", "500"], /--strategy is required/],
    [["stress", "--strategy", "nope", "--bars", "500"], /unknown strategy "nope"/],
    [["stress", "--strategy", "sma-cross", "--crash", "20"], /--crash 20: write 20% or 0\.2/],
    [["stress", "--strategy", "sma-cross", "--crash", "150%"], /--crash 150%: must be in/],
    [["stress", "--strategy", "sma-cross", "--threshold", "abc"], /--threshold "abc" is not a number/],
    [["stress", "--strategy", "sma-cross", "--injections", "0"], /--injections 0: must be a whole number > 0/],
    [["stress", "--strategy", "sma-cross", "--data", "/nonexistent/bars.csv"], /no such file/],
    [["stress", "--strategy", "sma-cross", "--param", "fats=3"], /has no parameter "fats"/],
    [["stress", "--strategy", "sma-cross", "--bars", "40"], /40 bars are too few/],
  ])("exits with 2 on bad input: %j", (args, message) => {
    const run = aegis(args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it.skipIf(!sharedDataPresent(btc))("stress-tests sma-cross with a 3 % stop on real BTC/USDT 1h bars of 2022", () => {
    const run = aegis([
      "stress",
      "--strategy",
      "sma-cross",
      "--param",
      "stopLoss=3",
      "--data",
      btc,
      "--from",
      "2022-01-01",
      "--to",
      "2022-12-31",
      "--slippage",
      "5bps",
      "--json",
    ]);
    const report = JSON.parse(run.stdout) as { passed: boolean; injections: JsonInjection[] };
    expect(report.injections).toHaveLength(5);
    for (const injection of report.injections) {
      expect(injection.position).toBe("long");
      expect(injection.positionStopped).toBe(true);
    }
    expect(run.code).toBe(report.passed ? 0 : 1);
  });
});
