import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const dir = mkdtempSync(join(tmpdir(), "aegis-trade-replica-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How long the bot may take to exit on its own; past it the process is killed and the test fails. */
const EXIT_BOUND_MS = 120_000;

/** Runs `aegis` in a fresh process; kills it (and reports `timedOut`) if it has not exited within the bound. */
function aegis(args: string[]) {
  return new Promise<{ code: number | null; timedOut: boolean; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, join(root, "src/cli/main.ts"), ...args], {
      cwd: dir,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const bound = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, EXIT_BOUND_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(bound);
      done({ code, timedOut, stdout, stderr });
    });
  });
}

describe("aegis trade with the API's read replica", () => {
  // A bot whose API nobody reads is the case that hung: the worker, never asked anything, kept the process alive.
  it("starts the read worker with the API and still exits by itself after --steps", async () => {
    const store = join(dir, "replica.sqlite");
    const args = ["trade", "--steps", "30", "--speed", "600", "--warmup", "40", "--store", store, "--api-port", "0"];
    const run = await aegis(args);
    expect(run.timedOut, `still running ${EXIT_BOUND_MS} ms after start:\n${run.stderr}`).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/stopping \(--steps reached\)/);
    const log = readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8");
    expect(log).toMatch(
      /"reads":"worker thread".*"msg":"api listening"|"msg":"api listening".*"reads":"worker thread"/,
    );
  }, 150_000);
});
