import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { aegisArgv } from "../src/cli/testing/aegis-command.js";

const root = resolve(import.meta.dirname, "..");
const crypto = resolve(root, "../shared/data/crypto");
const perp = join(crypto, "binance_usdm_BTCUSDT_perp_1h.csv.gz");
const funding = join(crypto, "binance_usdm_BTCUSDT_funding_8h.csv.gz");

/** Runs the real `aegis` entry point in a fresh process and a temporary working directory it removes. */
function aegis(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), "aegis-funding-cli-"));
  try {
    const result = spawnSync(process.execPath, aegisArgv(args), {
      cwd,
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe.skipIf(!existsSync(perp) || !existsSync(funding))("aegis backtest --funding (real BTCUSDT perpetual)", () => {
  it("reports funding paid on a month of the perpetual, and names the file in the costs line", () => {
    const run = aegis(["backtest", "--data", perp, "--funding", funding, "--from", "2024-03-01", "--to", "2024-03-31"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`funding from ${funding}`);
    const paid = Number(/Funding paid\s+(-?[\d.]+)/.exec(run.stdout)?.[1]);
    // Every March 2024 rate in the file is positive (0.0001 to 0.00088 per 8 h, mean 0.00034): longs pay.
    expect(paid).toBeGreaterThan(0);
  });

  it("refuses a missing funding file with exit 2 and a plain message", () => {
    const run = aegis(["backtest", "--data", perp, "--funding", "/nonexistent/funding.csv"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("aegis: --funding: /nonexistent/funding.csv: no such file");
  });
});
