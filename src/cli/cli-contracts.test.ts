import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedDataDir } from "../indicators/testing/reference-data.js";
import { aegisArgv } from "./testing/aegis-command.js";

const btc = join(sharedDataDir, "crypto/binance_spot_BTCUSDT_1h.csv.gz");
const temp = mkdtempSync(join(tmpdir(), "aegis-contracts-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the real `aegis` entry point in a fresh process, in a working folder removed after the file's tests. */
function aegis(args: string[], options: { timeout?: number } = {}) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: mkdtempSync(join(temp, "cwd-")),
    encoding: "utf8",
    timeout: options.timeout ?? 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
}

function tempFile(name: string, text: string | Buffer): string {
  const file = join(mkdtempSync(join(temp, "f-")), name);
  writeFileSync(file, text);
  return file;
}

const noRawNodeError = /E(NOENT|ISDIR|NOTDIR|EXIST|ACCES):/;

describe("output paths are checked before the run", () => {
  // 500,000 bars take far longer than the checks; a check made only after the run would show in the timeout.
  const slowRun = ["--bars", "500000", "--no-progress"];

  it("refuses a path that cannot be created instead of hanging in recursive mkdir", () => {
    const run = aegis(["backtest", ...slowRun, "--out", "/proc/forbidden"], { timeout: 20_000 });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out \/proc\/forbidden: cannot create \/proc\/forbidden/);
  });

  it("refuses an existing file and a path under a device, with a plain message", () => {
    const file = tempFile("README.md", "# not a folder\n");
    const onFile = aegis(["backtest", ...slowRun, "--out", file], { timeout: 20_000 });
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/exists and is not a directory/);
    const underDevice = aegis(["backtest", ...slowRun, "--out", "/dev/null/x"], { timeout: 20_000 });
    expect(underDevice.code).toBe(2);
    expect(underDevice.stderr).toMatch(/--out \/dev\/null\/x: \/dev\/null is not a directory/);
    for (const run of [onFile, underDevice]) expect(run.stderr).not.toMatch(noRawNodeError);
  });

  it("checks simulate, grid and walkforward outputs too, without raw Node errors", () => {
    const simulate = aegis(["simulate", "--bars", "10", "--out", "/nonexistent/dir/x.csv"]);
    expect(simulate.code).toBe(2);
    expect(simulate.stderr).toMatch(/--out \/nonexistent\/dir\/x\.csv: the folder \/nonexistent\/dir does not exist/);
    const grid = aegis(["grid", ...slowRun, "--grid", "fast=5,10", "--out", temp]);
    expect(grid.code).toBe(2);
    expect(grid.stderr).toMatch(/is a directory; give a file name/);
    const walk = aegis(["walkforward", ...slowRun, "--train", "1000", "--test", "500", "--out", "/dev/null/x"]);
    expect(walk.code).toBe(2);
    for (const run of [simulate, grid, walk]) expect(run.stderr).not.toMatch(noRawNodeError);
  });
});

describe("run options are validated up front", () => {
  it("refuses out-of-range slippage before the run, like the config does", () => {
    for (const value of ["20000bps", "vol:100"]) {
      const run = aegis(["backtest", "--bars", "500000", "--no-progress", "--slippage", value], { timeout: 20_000 });
      expect(run.code, value).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`--slippage ${value}: .*must be in \\[0, `));
    }
  });

  it("reads a size currency as base or quote units and refuses any other currency", () => {
    const out = join(mkdtempSync(join(temp, "out-")), "run");
    const base = aegis(["backtest", "--bars", "2000", "--no-progress", "--size", "0.1SIM", "--no-risk", "--out", out]);
    expect(base.code).toBe(0);
    const [header, ...rows] = readFileSync(join(out, "trades.csv"), "utf8").trim().split("\n");
    const column = (header ?? "").split(",").indexOf("quantity");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Number(row.split(",")[column])).toBe(0.1);
    const eur = aegis(["backtest", "--bars", "500", "--no-progress", "--size", "1000EUR"]);
    expect(eur.code).toBe(2);
    expect(eur.stderr).toMatch(/--size 1000EUR: EUR is neither the base \(SIM\) nor the quote \(USDT\)/);
  });

  it("reads backtest.size from the config and names the key when it is wrong", () => {
    const bad = tempFile("aegis.yaml", "backtest:\n  size: abc\n");
    const refused = aegis(["backtest", "--config", bad, "--bars", "500", "--no-progress"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/backtest\.size/);
    const good = tempFile("aegis.yaml", 'backtest:\n  size: "1%"\n');
    const run = aegis(["backtest", "--config", good, "--bars", "2000", "--no-progress", "--json"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { meta: { size: string } }).meta.size).toBe("1%");
  });

  it("refuses a day that does not exist", () => {
    const run = aegis(["backtest", "--bars", "500", "--no-progress", "--from", "2022-02-30"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--from "2022-02-30": there is no such day/);
  });
});

describe("--from warms indicators on the bars before it", () => {
  // Long whenever its 500-bar SMA exists: the first entry shows when the indicator became usable.
  const spec = [
    "name: sma500-warm",
    "version: 1",
    "indicators: { slow: { type: sma, period: 500 } }",
    "entry: { long: { gt: [slow, 0] } }",
    "exit: { long: { lt: [slow, 0] } }",
  ].join("\n");

  it("a 500-bar indicator trades from the first bars after --from when history exists, and says so", () => {
    const file = tempFile("sma500.yaml", `${spec}\n`);
    const out = join(mkdtempSync(join(temp, "out-")), "run");
    const from = Date.UTC(2024, 1, 1); // the simulated market starts on 2024-01-01: 744 hourly bars of history
    const args = ["backtest", "--strategy", file, "--bars", "3000", "--from", "2024-02-01", "--no-risk"];
    const run = aegis([...args, "--no-progress", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warm-up {2}744 bars before 2024-02-01T00:00Z .*longest lookback 499 bars/);
    const [header, first] = readFileSync(join(out, "trades.csv"), "utf8").split("\n");
    const entry = Number(first?.split(",")[(header ?? "").split(",").indexOf("entry_time")]);
    expect(entry - from).toBeLessThanOrEqual(2 * 3_600_000);
    expect(entry).toBeGreaterThanOrEqual(from);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { meta: { bars: number } };
    expect(summary.meta.bars).toBe(3000 - 744);
  });
});

describe("grid size", () => {
  it("refuses a grid above the threshold without --yes, printing the count and an estimate", () => {
    const run = aegis(["grid", "--bars", "300", "--grid", "fast=2:200:1", "--grid", "slow=3:200:1", "--no-progress"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/grid: 39,402 combinations; up to about .* on \d+ worker\(s\)/);
    expect(run.stderr).toMatch(/start only with --yes/);
  });

  it("prints just the count of a small grid", () => {
    const run = aegis(["grid", "--bars", "300", "--grid", "fast=5,10", "--no-progress", "--workers", "1"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("grid: 2 combination(s)\n");
  });
});

describe("messages", () => {
  it("a backtest on the simulated market ends with next steps and says what its sample means", () => {
    const out = join(mkdtempSync(join(temp, "out-")), "last-backtest");
    const run = aegis(["backtest", "--bars", "2000", "--no-progress", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/sample: unspecified/);
    expect(run.stdout).toMatch(/sample: hand-set parameters \(in-sample if tuned on this data\)/);
    expect(run.stdout).toContain(`next     open ${join(out, "report.html")} in a browser`);
    expect(run.stdout).toMatch(/try real data: aegis backtest --data FILE\.csv/);
  });
});

describe("config units", () => {
  it("aegis config prints percentages in percent, the unit the file is written in", () => {
    const run = aegis(["config"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/crashDrawdown: 10\n/);
    expect(run.stdout).toMatch(/trailingStop:\n(?:\s+\w+: .+\n)*?\s+percent: 0\.5\n/);
  });
});

describe.skipIf(!existsSync(btc))("dates on real BTC 1h data (skipped without ../shared/data)", () => {
  it("--to 2022-12-31 includes the whole last day: 8,760 bars in 2022", () => {
    const run = aegis(["backtest", "--data", btc, "--from", "2022-01-01", "--to", "2022-12-31", "--json"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { meta: { bars: number } }).meta.bars).toBe(8760);
  });
});

describe("bad input to stress is exit 2, never a raw Node error", () => {
  it("refuses a truncated gzip and a directory given as --data", () => {
    const gz = tempFile("trunc.csv.gz", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]));
    for (const data of [gz, temp]) {
      const run = aegis(["stress", "--strategy", "sma-cross", "--data", data]);
      expect(run.code, data).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`${data.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
      expect(run.stderr).not.toMatch(noRawNodeError);
    }
  });
});
