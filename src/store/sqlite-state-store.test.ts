import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KILL_SWITCH_KEY, readKillSwitchLatch, resetKillSwitch } from "../risk/guards/kill-switch.js";
import { SqliteStateStore } from "./sqlite-state-store.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const child = fileURLToPath(new URL("./testing/set-latch-child.ts", import.meta.url));

describe("SqliteStateStore", () => {
  let dir: string;
  const open: SqliteStateStore[] = [];
  const openStore = async (path: string, now?: () => number) => {
    const store = await SqliteStateStore.open(path, now ? { now } : {});
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-state-"));
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gets, overwrites and deletes values", async () => {
    const store = await openStore(join(dir, "state.db"), () => 1234);
    expect(store.get("k")).toBeUndefined();
    store.set("k", "one");
    store.set("k", "two");
    expect(store.get("k")).toBe("two");
    expect(store.updatedAt("k")).toBe(1234);
    store.delete("k");
    expect(store.get("k")).toBeUndefined();
  });

  it("keeps values and events after closing and reopening the file", async () => {
    const path = join(dir, "nested", "state.db");
    const first = await openStore(path);
    first.set(KILL_SWITCH_KEY, '{"rule":"rolling-drop","time":1,"reason":"r","equity":1,"reference":2}');
    first.appendEvent({ time: 5, kind: "kill-switch.set", detail: { equity: 1 } });
    await first.close();
    open.length = 0;
    const second = await openStore(path);
    expect(readKillSwitchLatch(second)?.rule).toBe("rolling-drop");
    expect(second.events()).toEqual([{ time: 5, kind: "kill-switch.set", detail: { equity: 1 } }]);
  });

  it("runs in WAL mode with synchronous=FULL", async () => {
    expect((await openStore(join(dir, "state.db"))).durability()).toEqual({ journalMode: "wal", synchronous: 2 });
  });

  it("keeps an append-only audit trail: who reset the kill switch and when", async () => {
    const store = await openStore(join(dir, "state.db"));
    store.set(KILL_SWITCH_KEY, '{"rule":"max-drawdown","time":1,"reason":"r","equity":1,"reference":2}');
    const at = Date.UTC(2024, 0, 1, 14, 3);
    resetKillSwitch(store, "alice", at);
    expect(store.events("kill-switch.reset")).toEqual([
      {
        time: at,
        kind: "kill-switch.reset",
        detail: { by: "alice", cleared: { rule: "max-drawdown", time: 1, reason: "r", equity: 1, reference: 2 } },
      },
    ]);
    const raw = new Database(store.path);
    expect(() => raw.prepare("DELETE FROM events").run()).toThrow(/append-only/);
    expect(() => raw.prepare("UPDATE events SET kind = 'x'").run()).toThrow(/append-only/);
    raw.close();
  });

  it("names the file it cannot open", async () => {
    const file = join(dir, "file");
    (await openStore(file)).set("a", "b");
    const below = join(file, "state.db");
    await expect(SqliteStateStore.open(below)).rejects.toThrow(`cannot open the store ${below}`);
  });

  it("keeps a latch set by a process killed with SIGKILL right after set returned", async () => {
    const path = join(dir, "state.db");
    const exit = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, ["--import", "tsx", child, path], { cwd: repoRoot });
      let stderr = "";
      proc.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      proc.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("latched")) proc.kill("SIGKILL");
      });
      proc.on("error", reject);
      proc.on("exit", (_code, signal) => resolve({ signal, stderr }));
    });
    expect(exit.stderr).toBe("");
    expect(exit.signal).toBe("SIGKILL");
    const store = await openStore(path);
    expect(readKillSwitchLatch(store)).toMatchObject({ rule: "rolling-drop", equity: 9_500, reference: 10_000 });
    expect(store.events("kill-switch.set")).toHaveLength(1);
  }, 30_000);
});
