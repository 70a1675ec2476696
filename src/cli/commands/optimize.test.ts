import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../testing/aegis-command.js";

const temp = mkdtempSync(join(tmpdir(), "aegis-optimize-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function aegis(...args: string[]) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: temp,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("aegis optimize", () => {
  it("searches on the simulated market, holds the last quarter out, and writes every trial", () => {
    const out = join(temp, "run");
    const result = aegis(
      "optimize",
      "--strategy",
      "ema-cross",
      "--bars",
      "4000",
      "--trials",
      "12",
      "--min-trades",
      "1",
      "--out",
      out,
      "--no-progress",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/judged on the held-out .* never seen by the search/);
    const report = JSON.parse(readFileSync(join(out, "optimize.json"), "utf8"));
    expect(report.searches[0].trials).toHaveLength(12);
    // The held-out period starts at bar 3000 of 4000: the search never saw it.
    expect(report.heldOut.from).toBeGreaterThan(report.searched.to);
    for (const trial of report.searches[0].trials) {
      expect(trial.params.fast).toBeLessThan(trial.params.slow);
      expect(trial.params.fast).toBeGreaterThanOrEqual(5);
      expect(trial.params.slow).toBeLessThanOrEqual(50);
    }
  });

  it("runs one search per regime with --regime all", () => {
    const result = aegis("optimize", "--bars", "6000", "--trials", "6", "--regime", "all", "--json", "--no-progress");
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).searches.map((s: { regime: string }) => s.regime)).toEqual([
      "bull",
      "bear",
      "sideways",
    ]);
  });

  it.each([
    [["--sampler", "grid"], /--sampler grid: expected tpe or random/],
    [["--space", "fastt=5:20"], /ema-cross has no parameter "fastt"/],
    [["--strategy", "donchian-breakout"], /has no default search space; give one with --space/],
    [["--trials", "0"], /--trials 0: must be a whole number > 0/],
  ])("refuses %j with a message naming the problem (exit 2)", (args, message) => {
    const result = aegis("optimize", "--bars", "3000", ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
