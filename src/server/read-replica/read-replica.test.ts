import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { openReadReplica, type ReadReplica } from "./read-replica.js";

describe("the API's read replica: a worker thread with its own read-only SQLite connection", () => {
  let dir: string;
  let store: Store;
  let replica: ReadReplica;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-replica-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    replica = openReadReplica(store)!;
  });
  afterAll(async () => {
    await replica?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads what the trading connection committed, through the same repositories", async () => {
    for (let k = 0; k < 3; k++)
      await store.llm.insert({ time: k, role: "advisor", model: "m", prompt: `p${k}`, latencyMs: 10 + k });
    expect(await replica.session.llm.range()).toEqual(await store.llm.range());
    await store.llm.insert({ time: 9, role: "auditor", model: "m", prompt: "later", latencyMs: 1 });
    expect((await replica.session.llm.range()).map((e) => e.prompt)).toEqual(["p0", "p1", "p2", "later"]);
  });

  it("refuses writes, and reports a bad query as an error", async () => {
    await expect(
      replica.session.llm.insert({ time: 1, role: "x", model: "m", prompt: "no", latencyMs: 1 }),
    ).rejects.toThrow(/returns rows only|readonly/);
    await expect(
      replica.session.db
        .selectFrom("nope" as "decisions")
        .selectAll()
        .execute(),
    ).rejects.toThrow(/no such table/);
    expect((await store.llm.range()).some((e) => e.prompt === "no")).toBe(false);
  });

  it("is not offered for a store no other connection can open", async () => {
    const memory = await openStore("sqlite::memory:");
    try {
      expect(openReadReplica(memory)).toBeUndefined();
    } finally {
      await memory.close();
    }
  });
});
