import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
// Inside the repository so that the packages the bundle leaves external resolve from node_modules.
const outdir = `dist/bundle-test-${process.pid}`;
const entry = join(root, outdir, "aegis.js");

function aegis(...args: string[]) {
  return spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", cwd: root });
}

/** `aegis trade` in a temp folder (its data folder and store), with the API on a free port. */
function tradeInTemp(dir: string) {
  const args = ["trade", "--steps", "20", "--speed", "600", "--warmup", "40", "--api-port", "0"];
  return spawnSync(process.execPath, [entry, ...args, "--store", join(dir, "bundle.sqlite")], {
    encoding: "utf8",
    cwd: dir,
  });
}

describe("the bundled CLI (what `bin` and `npm start` run)", () => {
  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(root, "scripts/bundle.mjs"), outdir], { encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
  });
  afterAll(() => rmSync(join(root, outdir), { recursive: true, force: true }));

  it("prints the package's version (package.json read from the bundle's own place)", () => {
    const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
    const result = aegis("--version");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("runs a backtest, with the inlined CommonJS packages (commander, yaml) finding require", () => {
    const result = aegis("backtest", "--bars", "3000", "--no-progress", "--json");
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).meta.bars).toBe(3000);
  });

  it("starts grid workers from the bundle's own pool-worker entry", () => {
    const result = aegis("grid", "--bars", "2000", "--grid", "fast=5,10", "--grid", "slow=30", "--workers", "2");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\b10\b\s+30\b/);
  });

  it("starts the API worker thread from the bundle's own api-worker entry, and exits after --steps", () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-bundle-trade-"));
    try {
      const result = tradeInTemp(dir);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/dashboard and API: http:\/\/127\.0\.0\.1:\d+\//);
      const log = readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8");
      expect(log).toMatch(/"thread":true.*"msg":"api listening"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
