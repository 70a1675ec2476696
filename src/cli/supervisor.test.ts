import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { supervise } from "./supervisor.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-supervise-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bot that crashes (exit 3, then SIGKILL) on its first two starts and exits cleanly on the third. */
function flakyBot(): string[] {
  const counter = join(dir, "starts");
  writeFileSync(counter, "0");
  const script = join(dir, "bot.mjs");
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from "node:fs";
const n = Number(readFileSync(${JSON.stringify(counter)}, "utf8")) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
if (n === 1) process.exit(3);
if (n === 2) process.kill(process.pid, "SIGKILL");
process.exit(0);`,
  );
  return [process.execPath, script];
}

describe("supervise", () => {
  it("restarts a crashed bot with a doubling backoff and stops when it exits cleanly", async () => {
    const waits: number[] = [];
    const lines: string[] = [];
    const result = await supervise({
      command: flakyBot(),
      sleep: async (ms) => {
        waits.push(ms);
      },
      log: (line) => lines.push(line),
    });
    expect(result).toEqual({ restarts: 2, exitCode: 0 });
    expect(waits).toEqual([1000, 2000]);
    expect(lines[0]).toMatch(/exited with code 3 .* restarting in 1\.0 s/);
    expect(lines[1]).toMatch(/was killed by SIGKILL .* restarting in 2\.0 s/);
    expect(readFileSync(join(dir, "starts"), "utf8")).toBe("3");
  }, 30_000);

  it("gives up after too many quick crashes in a row", async () => {
    const script = join(dir, "always-crash.mjs");
    writeFileSync(script, "process.exit(1);");
    const result = await supervise({
      command: [process.execPath, script],
      sleep: async () => {},
      maxRestarts: 2,
      log: () => {},
    });
    expect(result).toEqual({ restarts: 2, exitCode: 1 });
  }, 30_000);

  it("resets the backoff after a stable run", async () => {
    const script = join(dir, "crash-once-more.mjs");
    const counter = join(dir, "n2");
    writeFileSync(counter, "0");
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync } from "node:fs";
const n = Number(readFileSync(${JSON.stringify(counter)}, "utf8")) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
process.exit(n < 4 ? 1 : 0);`,
    );
    let clock = 0;
    const waits: number[] = [];
    await supervise({
      command: [process.execPath, script],
      // Each run "lasts" 2 minutes of the injected clock: every crash counts as after a stable run.
      now: () => {
        clock += 60_000;
        return clock;
      },
      sleep: async (ms) => {
        waits.push(ms);
      },
      log: () => {},
    });
    expect(waits).toEqual([1000, 1000, 1000]);
  }, 30_000);
});
