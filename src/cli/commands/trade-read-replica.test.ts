import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAegis } from "../testing/run-aegis.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-replica-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How long the bot may take to exit on its own; past it the process is killed and the test fails. */
const EXIT_BOUND_MS = 120_000;

describe("aegis trade with the API's read replica", () => {
  // A bot whose API nobody reads is the case that hung: the worker, never asked anything, kept the process alive.
  it("starts the read worker with the API and still exits by itself after --steps", async () => {
    const store = join(dir, "replica.sqlite");
    const args = ["trade", "--steps", "30", "--speed", "600", "--warmup", "40", "--store", store, "--api-port", "0"];
    const run = await runAegis(args, { cwd: dir, boundMs: EXIT_BOUND_MS });
    expect(run.timedOut, `still running ${EXIT_BOUND_MS} ms after start:\n${run.stderr}`).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/stopping \(--steps reached\)/);
    const log = readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8");
    expect(log).toMatch(
      /"reads":"worker process".*"msg":"api listening"|"msg":"api listening".*"reads":"worker process"/,
    );
  }, 150_000);
});
