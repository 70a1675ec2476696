import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const module = pathToFileURL(join(root, "src/cli/tolerate-ccxt-rejections.ts")).href;

/** Runs a snippet in a fresh process (unhandled rejections end a process, so not in the test runner's own). */
function run(rejection: string) {
  const code = `
    import { tolerateCcxtNetworkRejections } from ${JSON.stringify(module)};
    import * as ccxt from "ccxt";
    tolerateCcxtNetworkRejections((e) => console.log("logged:", e.constructor.name));
    Promise.reject(${rejection});
    setTimeout(() => console.log("still running"), 50);
  `;
  return spawnSync(process.execPath, ["--import", tsxLoader, "--input-type=module", "-e", code], {
    encoding: "utf8",
    cwd: root,
  });
}

describe("tolerateCcxtNetworkRejections", () => {
  it("logs a CCXT NetworkError nobody awaited (a dropped WebSocket) and keeps the process running", () => {
    const result = run(`new ccxt.RequestTimeout("ws closed")`);
    expect(result.stdout).toContain("logged: RequestTimeout");
    expect(result.stdout).toContain("still running");
    expect(result.status).toBe(0);
  });

  it("lets any other unhandled rejection end the process", () => {
    const result = run(`new TypeError("a bug")`);
    expect(result.stdout).not.toContain("still running");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("a bug");
  });
});
