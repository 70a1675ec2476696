import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../src/cli/testing/aegis-command.js";
import { KillSwitch } from "../src/risk/guards/kill-switch.js";
import { SqliteStateStore } from "../src/store/sqlite-state-store.js";

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

const root = resolve(import.meta.dirname, "..");
const shared = resolve(root, "../shared/data");
// Absolute, because the CLI runs in a temporary working directory where "tsx" would not resolve.

/** Runs the real `aegis` entry point (TypeScript sources through tsx) in a fresh process. */
function aegis(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: tempDir("aegis-cli-"),
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("aegis command line", () => {
  it("prints help for every command and the version", () => {
    const top = aegis(["--help"]);
    expect(top.code).toBe(0);
    for (const command of [
      "backtest",
      "grid",
      "walkforward",
      "stress",
      "download",
      "data",
      "simulate",
      "strategies",
      "config",
    ]) {
      expect(top.stdout).toContain(command);
      const help = aegis([command, "--help"]);
      expect(help.code, `${command} --help`).toBe(0);
      expect(help.stdout).toMatch(/Usage: aegis/);
    }
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(aegis(["--version"]).stdout.trim()).toBe(pkg.version);
  });

  it("runs the default backtest on the simulated market with no network and no keys", () => {
    const out = tempDir("aegis-bt-");
    const run = aegis(["backtest", "--bars", "3000", "--out", out, "--no-progress"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sma-cross/);
    expect(run.stdout).toMatch(/Sharpe ratio/);
    for (const file of [
      "trades.csv",
      "equity.csv",
      "summary.json",
      "decisions.jsonl",
      "position-actions.jsonl",
      "report.html",
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const header = readFileSync(join(out, "trades.csv"), "utf8").split("\n")[0] ?? "";
    for (const column of [
      "symbol",
      "side",
      "quantity",
      "entry_time",
      "exit_time",
      "entry_price",
      "exit_price",
      "fees",
      "net_pnl",
    ]) {
      expect(header.split(",")).toContain(column);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.meta.seed).toBe(42);
    expect(summary.meta.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.meta.configHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the same numbers for the same seed", () => {
    const a = aegis(["backtest", "--bars", "2000", "--json", "--seed", "7"]);
    const b = aegis(["backtest", "--bars", "2000", "--json", "--seed", "7"]);
    const strip = (text: string) => {
      const s = JSON.parse(text);
      delete s.elapsedMs;
      delete s.barsPerSecond;
      return s;
    };
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
  });

  it.each([
    [["backtest", "--strategy", "nope"], /unknown strategy "nope"/],
    [["backtest", "--fee", "-0.1"], /--fee -0.1: must be a fraction/],
    [["backtest", "--data", "/nonexistent/bars.csv"], /--data \/nonexistent\/bars.csv: no such file/],
    [["backtest", "--bars", "500", "--from", "2031-01-01"], /no bars between --from and --to/],
    [["backtest", "--param", "fats=3"], /has no parameter "fats"/],
    [["backtest", "--param", "fast=0"], /parameter fast: 0 is below the minimum 2/],
    [["backtest", "--size", "ten"], /invalid --size "ten"/],
    [["backtest", "--timeframe", "7h"], /--timeframe 7h: unknown/],
  ])("fails clearly on bad input: %j", (args, message) => {
    const run = aegis([...args, "--no-progress"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it("rejects a config file with an unknown key, naming it", () => {
    const dir = tempDir("aegis-cfg-");
    const file = join(dir, "aegis.yaml");
    writeFileSync(file, "backtest:\n  cahs: 1\n");
    const run = aegis(["--config", file, "backtest"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unknown key backtest\.cahs/);
  });

  it("rejects an invalid strategy spec file naming the field", () => {
    const dir = tempDir("aegis-spec-");
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "name: bad\nentry:\n  long:\n    crossAbove: [fast]\n");
    const run = aegis(["backtest", "--strategy", file]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/entry\.long/);
  });

  it("ranks a parameter grid and runs a walk-forward on the simulated market", () => {
    const dir = tempDir("aegis-grid-");
    const grid = aegis([
      "grid",
      "--grid",
      "fast=5,10",
      "--grid",
      "slow=30:60:30",
      "--bars",
      "4000",
      "--workers",
      "2",
      "--out",
      join(dir, "grid.csv"),
    ]);
    expect(grid.stderr).toBe("grid: 4 combination(s)\n");
    expect(grid.code).toBe(0);
    expect(grid.stdout).toMatch(/grid of 4 combination\(s\) of sma-cross/);
    expect(readFileSync(join(dir, "grid.csv"), "utf8").trim().split("\n")).toHaveLength(5);
    const wf = aegis([
      "walkforward",
      "--grid",
      "fast=5,10",
      "--bars",
      "6000",
      "--train",
      "2000",
      "--test",
      "1000",
      "--workers",
      "0",
    ]);
    expect(wf.code).toBe(0);
    expect(wf.stdout).toMatch(/walk-forward \(rolling\) of sma-cross: 4 window\(s\)/);
    expect(wf.stdout).toMatch(/Out-of-sample/);
    const bad = aegis(["grid", "--grid", "fats=1,2"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/fats/);
  });

  it("shows a tripped kill switch and lets only a named person reset it", async () => {
    const dataDir = tempDir("aegis-risk-");
    const store = await SqliteStateStore.open(join(dataDir, "aegis.sqlite"));
    const killSwitch = new KillSwitch(store);
    killSwitch.observe(0, 10_000);
    expect(killSwitch.observe(1_800_000, 9_600)?.verdict).toBe("halt");
    await store.close();
    const env = { AEGIS_DATA_DIR: dataDir };
    expect(aegis(["risk", "status"], env).stdout).toMatch(/kill switch {3}TRIPPED/);
    const anonymous = aegis(["risk", "reset"], env);
    expect(anonymous.code).toBe(2);
    expect(aegis(["risk", "status"], env).stdout).toMatch(/TRIPPED/);
    const reset = aegis(["risk", "reset", "--by", "bob"], env);
    expect(reset.stdout).toMatch(/kill switch reset by bob/);
    const after = aegis(["risk", "status"], env).stdout;
    expect(after).toMatch(/kill switch {3}not tripped/);
    expect(after).toMatch(/kill-switch.reset \{"by":"bob"/);
  });

  it.skipIf(!existsSync(shared))("backtests a real CSV file and reports the gaps of the traded range", () => {
    const run = aegis([
      "backtest",
      "--data",
      join(shared, "crypto/binance_spot_BTCUSDT_1h.csv.gz"),
      "--from",
      "2023-01-01",
      "--to",
      "2023-06-30",
    ]);
    expect(run.code).toBe(0);
    // The file has 22 gaps; only the one of 2023-03-24 lies between --from and --to.
    expect(run.stderr).toMatch(/: 1 gap\(s\), 1 missing bar\(s\) in the traded range/);
    // A date alone is the whole day: --to 2023-06-30 includes its last hourly bar.
    expect(run.stdout).toMatch(/2023-01-01T00:00Z → 2023-06-30T23:00Z/);
  });
});
