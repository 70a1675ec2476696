import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticHourlyBars } from "../../research/evolution/testing/synthetic-markets.js";
import { aegisArgv } from "../testing/aegis-command.js";

const temp = mkdtempSync(join(tmpdir(), "aegis-evolve-cli-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function aegis(args: string[]) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: temp,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function csvFile(bars: number): string {
  const s = syntheticHourlyBars({ seed: 3, bars, edge: 0.001 });
  const rows = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < s.length; i++)
    rows.push([s.time[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]].join(","));
  const file = join(temp, `bars-${bars}.csv`);
  writeFileSync(file, `${rows.join("\n")}\n`);
  return file;
}

describe("aegis evolve", () => {
  it("prints a line per generation and writes the JSON and HTML reports, the records and the blacklist", () => {
    const out = join(temp, "run");
    const data = csvFile(5000);
    const run = aegis([
      "evolve",
      "--data",
      data,
      "--generations",
      "3",
      "--population",
      "12",
      "--seed",
      "4",
      "--cut",
      "2024-06-20",
      "--out",
      out,
    ]);
    expect(run.stderr).toContain("generation 1/3: best");
    expect(run.stderr).toContain("generation 3/3: best");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "evolution.json"), "utf8"));
    expect(report.generations).toHaveLength(3);
    expect(report.finalists.length).toBeGreaterThan(0);
    expect(report.afterCut).not.toBeNull();
    expect(report.lineage[0].hash).toBe(report.afterCut.hash);
    const html = readFileSync(join(out, "report.html"), "utf8");
    for (const part of [
      "Fitness per generation",
      "<svg",
      "Probability of backtest overfitting",
      "Lineage of the best",
      "After the cut",
    ])
      expect(html).toContain(part);
    expect(JSON.parse(readFileSync(join(out, "candidates.json"), "utf8")).length).toBe(report.trials);
    expect(existsSync(join(out, "blacklist.json"))).toBe(true);
  }, 120_000);

  it("refuses bad input with exit code 2 and a plain message", () => {
    const data = csvFile(600);
    const cases: [string[], RegExp][] = [
      [["evolve"], /--data is required/],
      [["evolve", "--data", join(temp, "absent.csv")], /--data/],
      [["evolve", "--data", data, "--generations", "0"], /--generations 0: must be a whole number > 0/],
      [["evolve", "--data", data, "--population", "3"], /--population 3: must be a whole number >= 6/],
      [["evolve", "--data", data, "--cut", "1999-01-01"], /--cut 1999-01-01: must fall inside the data/],
      [["evolve", "--data", data, "--regime", "moon"], /--regime moon: unknown regime \(regimes: bull, bear/],
      [["evolve", "--data", data], /only \d+ bars before the holdout; an evolution needs at least 500/],
    ];
    for (const [args, message] of cases) {
      const run = aegis(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});
