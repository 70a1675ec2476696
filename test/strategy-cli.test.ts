import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../src/cli/testing/aegis-command.js";

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "aegis-strategy-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the real `aegis` entry point (TypeScript sources through tsx) in a fresh process. */
function aegis(args: string[]) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: work,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("aegis backtest and strategy warm-up", () => {
  it("warns before the run when the data is shorter than the strategy's warm-up", () => {
    const run = aegis(["backtest", "--bars", "500", "--param", "slow=800", "--no-progress"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "strategy sma-cross needs 800 bars before its first signal (longest: indicators.slow (sma)) but the data has 500: it cannot trade",
    );
  });

  it("says nothing when the warm-up fits", () => {
    const run = aegis(["backtest", "--bars", "500", "--no-progress"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });

  it("refuses a period no indicator accepts with exit code 2", () => {
    const run = aegis(["backtest", "--bars", "500", "--param", "fast=1", "--no-progress"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/parameter fast: 1 is below the minimum 2/);
  });
});

describe("aegis backtest --strategy FILE.ts|.js", () => {
  const example = join(root, "examples/strategies/my-strategy.ts");

  it("runs a TypeScript strategy module with its parameters", () => {
    const run = aegis(["backtest", "--strategy", example, "--bars", "3000", "--param", "period=30", "--no-progress"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Aegis backtest — dip-in-uptrend \(period=30 band=2\)/);
  });

  it("runs a JavaScript module", () => {
    const file = join(work, "hold.mjs");
    writeFileSync(
      file,
      'export default { name: "buy-once", parameters: {}, init: () => (c) => (c.index === 10 ? { action: "buy", reason: "once" } : undefined) };\n',
    );
    const run = aegis(["backtest", "--strategy", file, "--bars", "500", "--no-progress"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/buy-once/);
  });

  it("exits 2 with a plain message when the module exports no strategy", () => {
    const file = join(work, "empty.mjs");
    writeFileSync(file, "export const nothing = 1;\n");
    const run = aegis(["backtest", "--strategy", file, "--bars", "500", "--no-progress"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exports no strategy/);
  });
});
