import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeBackends } from "../testing/store-backends.js";

describe.each(storeBackends())("context observations and the LLM replay cache on $name", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ?? "", () => {
    beforeAll(() => backend.setup(), 60_000);
    afterAll(() => backend.teardown(), 60_000);

    it("keeps the first seenAt of an item recorded twice and lists by seenAt up to an instant", async () => {
      const store = await backend.open();
      const log = store.contextObservations;
      expect(
        await log.record([
          { source: "news", itemKey: "a", seenAt: 2_000, eventTime: 1_500, value: { title: "A" } },
          { source: "news", itemKey: "b", seenAt: 1_000, value: { title: "B" } },
        ]),
      ).toBe(2);
      expect(await log.record([{ source: "news", itemKey: "a", seenAt: 5_000, value: { title: "A again" } }])).toBe(0);
      await log.record([{ source: "fear-greed", itemKey: "day", seenAt: 3_000, value: 40 }]);
      expect(await log.list("news")).toEqual([
        { source: "news", itemKey: "b", seenAt: 1_000, value: { title: "B" } },
        { source: "news", itemKey: "a", seenAt: 2_000, eventTime: 1_500, value: { title: "A" } },
      ]);
      expect((await log.list("news", 1_999)).map((r) => r.itemKey)).toEqual(["b"]);
      expect(await log.sources()).toEqual(["fear-greed", "news"]);
    });

    it("records a batch larger than one INSERT", async () => {
      const store = await backend.open();
      const records = Array.from({ length: 1_234 }, (_, i) => ({
        source: "whale",
        itemKey: `tx${i}`,
        seenAt: i,
        value: i,
      }));
      expect(await store.contextObservations.record(records)).toBe(1_234);
      expect((await store.contextObservations.list("whale")).length).toBe(1_234);
    });

    it("stores a replayed answer under its key and keeps the first one", async () => {
      const store = await backend.open();
      const base = { role: "advisor", model: "m", schemaName: "vote", asOf: 7, recordedAt: 9 } as const;
      await store.llmReplay.put({
        ...base,
        key: "k",
        outcome: { ok: true, value: { a: 1 }, model: "m", latencyMs: 3 },
      });
      await store.llmReplay.put({ ...base, key: "k", outcome: { ok: false, failure: "timeout", detail: "late" } });
      expect(await store.llmReplay.get("k")).toEqual({
        ...base,
        key: "k",
        outcome: { ok: true, value: { a: 1 }, model: "m", latencyMs: 3 },
      });
      expect(await store.llmReplay.get("other")).toBeUndefined();
      expect(await store.llmReplay.count()).toBe(1);
    });
  });
});
