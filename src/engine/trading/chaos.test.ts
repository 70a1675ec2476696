import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runChaos } from "./testing/chaos.js";

const root = resolve(import.meta.dirname, "../../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const dir = mkdtempSync(join(tmpdir(), "aegis-chaos-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("chaos (short form of scripts/chaos.ts)", () => {
  it("survives 5 SIGKILLs at random moments against a faulty exchange: nothing lost, nothing twice, positions equal", async () => {
    const result = await runChaos({
      kills: 5,
      seed: 3,
      speed: 1200,
      dir,
      aegis: [process.execPath, "--import", tsxLoader, join(root, "src/cli/main.ts")],
    });
    expect(result.kills).toBe(5);
    expect(result.discrepancies).toEqual([]);
  }, 600_000);
});
