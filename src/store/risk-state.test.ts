import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KILL_SWITCH_KEY, KillSwitch, readKillSwitchLatch, resetKillSwitch } from "../risk/guards/kill-switch.js";
import { openStore } from "./open-store.js";
import { openRiskState } from "./risk-state.js";
import { storeBackends } from "./testing/store-backends.js";

const T0 = Date.UTC(2024, 0, 1, 14, 0);

describe.each(storeBackends())("risk latches in the $name store", (backend) => {
  const suite = backend.skipReason ? describe.skip : describe;
  suite(backend.skipReason ? `skipped: ${backend.skipReason}` : "kill switch", () => {
    beforeAll(() => backend.setup(), 60_000);
    afterAll(() => backend.teardown(), 60_000);

    it("keeps a tripped kill switch and its audit trail across a restart until a person resets it", async () => {
      const location = await backend.freshLocation();
      const first = await openStore(location);
      const latches = await openRiskState(first, { now: () => T0 + 1 });
      const killSwitch = new KillSwitch(latches);
      killSwitch.observe(T0, 10_000);
      expect(killSwitch.observe(T0 + 1_800_000, 9_500)?.verdict).toBe("halt");
      await latches.flush();
      await first.close();

      const second = await openStore(location);
      try {
        const restarted = await openRiskState(second);
        expect(readKillSwitchLatch(restarted)).toMatchObject({ equity: 9_500, reference: 10_000 });
        expect(restarted.updatedAt(KILL_SWITCH_KEY)).toBe(T0 + 1);
        resetKillSwitch(restarted, "alice", T0 + 7_200_000);
        await restarted.flush();
        expect(readKillSwitchLatch(restarted)).toBeUndefined();
        expect(await second.latches.get(KILL_SWITCH_KEY)).toBeUndefined();
        expect((await second.events.list({ source: "risk" })).map((e) => e.kind)).toEqual([
          "kill-switch.set",
          "kill-switch.reset",
        ]);
        expect(restarted.events("kill-switch.reset")[0]?.detail).toMatchObject({ by: "alice" });
      } finally {
        await second.close();
      }
    });
  });
});
