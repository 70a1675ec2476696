import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";

const cwd = mkdtempSync(join(tmpdir(), "aegis-lifecycle-cli-"));

function aegis(...args: string[]) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("aegis strategies list|show|approve|retire", () => {
  beforeAll(async () => {
    mkdirSync(join(cwd, ".aegis"));
    const store = await openStore(`sqlite:${join(cwd, ".aegis/aegis.sqlite")}`);
    const t0 = Date.UTC(2026, 0, 1);
    await store.strategies.upsert(
      { id: "evo-9", name: "ema 9/41", source: "evolver", spec: { name: "x" } },
      "evolver",
      t0,
    );
    for (const [i, to] of (["backtested", "validated", "shadow", "awaiting-approval"] as const).entries()) {
      await store.strategies.transition("evo-9", to, "evolver", `${to} gate`, t0 + i + 1);
    }
    await store.close();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("approves with a person's name, and the record shows who and why", () => {
    expect(aegis("strategies", "approve", "evo-9").stderr).toMatch(/needs --by NAME/);
    const approved = aegis("strategies", "approve", "evo-9", "--by", "alice", "--reason", "shadow beat live");
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain("evo-9: awaiting-approval → live-small by alice");
    expect(aegis("strategies", "list").stdout).toMatch(/evo-9\s+live-small\s+evolver/);
    expect(aegis("strategies", "show", "evo-9").stdout).toMatch(
      /awaiting-approval\s+→ live-small\s+by alice: shadow beat live/,
    );
  });

  it("refuses a second approval inside the stability lock (exit 2, with the time left), and a bad status filter", () => {
    const again = aegis("strategies", "approve", "evo-9", "--by", "alice", "--reason", "scale up");
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/refused by the stability lock: .* left of the 12 h stability lock/);
    expect(aegis("strategies", "list", "--status", "approved").stderr).toMatch(/--status approved: expected one of/);
  });

  it("retires, and a retired strategy cannot be approved", () => {
    expect(aegis("strategies", "retire", "evo-9", "--by", "bob", "--reason", "drawdown").code).toBe(0);
    const approve = aegis("strategies", "approve", "evo-9", "--by", "alice", "--reason", "x");
    expect(approve.code).toBe(2);
    expect(approve.stderr).toMatch(/evo-9 is retired; only a strategy awaiting approval or live-small can be approved/);
  });
});
