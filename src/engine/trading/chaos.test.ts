import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../../cli/testing/aegis-command.js";
import { runChaos } from "./testing/chaos.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-chaos-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("chaos (short form of scripts/chaos.ts)", () => {
  it("survives 6 SIGKILLs against a faulty exchange with the kill switch tripping midway: nothing lost, nothing twice, positions equal, no new risk after the trip", async () => {
    const result = await runChaos({
      kills: 6,
      seed: 3,
      speed: 1200,
      tripFromKill: 2,
      minKillsAfterTrip: 1,
      maxKills: 14,
      dir,
      aegis: [process.execPath, ...aegisArgv([])],
    });
    expect(result.kills).toBeGreaterThanOrEqual(6);
    expect(result.killSwitchTrippedAt).toBeDefined();
    expect(result.killSwitchLatched).toBe(true);
    // The latch had to hold across restarts, not only within the run that tripped it.
    expect(result.killsAfterTrip).toBeGreaterThanOrEqual(1);
    expect(result.discrepancies).toEqual([]);
  }, 600_000);
});
