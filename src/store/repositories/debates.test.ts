import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeBackends } from "../testing/store-backends.js";

describe.each(storeBackends())("debates repository on $name", (backend) => {
  const suite = backend.skipReason ? describe.skip : describe;
  if (backend.skipReason) console.warn(`debates on ${backend.name} skipped: ${backend.skipReason}`);

  suite(backend.skipReason ? `skipped: ${backend.skipReason}` : "llm_debates", () => {
    beforeAll(() => backend.setup(), 60_000);
    afterAll(() => backend.teardown(), 60_000);

    it("stores whole transcripts and reads them back by id and by start time", async () => {
      const store = await backend.open();
      const base = { kind: "architect", symbol: "BTC/USDT", finishedAt: 0, rounds: [{ round: 1, reasons: ["x"] }] };
      const a = await store.debates.insert({ ...base, startedAt: 2_000, finishedAt: 2_500, outcome: "failed" });
      const b = await store.debates.insert({
        ...base,
        startedAt: 1_000,
        finishedAt: 1_500,
        outcome: "approved",
        survivor: { id: "abc" },
      });
      expect(await store.debates.get(a)).toMatchObject({ id: a, startedAt: 2_000, outcome: "failed" });
      expect((await store.debates.get(a))?.survivorId).toBeUndefined();
      const all = await store.debates.range<typeof base>();
      expect(all.map((d) => [d.id, d.survivorId])).toEqual([
        [b, "abc"],
        [a, undefined],
      ]);
      expect(all[0]!.transcript.rounds[0]!.reasons).toEqual(["x"]);
      expect((await store.debates.range({ from: 1_500 })).map((d) => d.id)).toEqual([a]);
    });
  });
});
