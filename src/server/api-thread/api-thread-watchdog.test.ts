import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiSession } from "../../cli/testing/api-session.js";
import type { EngineEvents } from "../../engine/events.js";
import { sessionStatus } from "../../engine/trading/session-status.js";
import { handTicker } from "./testing/hand-ticker.js";

type Session = Awaited<ReturnType<typeof startApiSession<true>>>;

describe("the API worker's watchdog", () => {
  let t: Session;
  const hand = handTicker();
  const get = (path: string) => fetch(`${t.api.url}${path}`);
  const apiWorker = async () =>
    (await t.api.readiness.report()).components.find((c) => c.name === "api-worker") as { ok: boolean; detail: string };

  beforeAll(async () => {
    t = await startApiSession({
      apiThread: true,
      statusEveryMs: 0,
      // The interval and the count from aegis.yaml's `api:`, the ticker by hand.
      config: { api: { heartbeatMs: 250, heartbeatMissed: 3 } },
      heartbeat: { ticker: hand.ticker, now: hand.now },
      restartDelayMs: 0,
    });
    await t.advanceTo(200);
    await t.api.thread.settled();
    // Starting a worker from the TypeScript sources takes seconds on a loaded machine.
  }, 60_000);
  afterAll(async () => t?.close(), 60_000);

  it("leaves a worker that answers its heartbeats alone, and the readiness check says it serves", async () => {
    for (let k = 0; k < 6; k++) {
      hand.tick();
      // The ping goes after the beat: once it is answered, so is the beat.
      await t.api.thread.settled();
    }
    expect(t.api.thread.hangs).toBe(0);
    expect(t.api.thread.restarts).toBe(0);
    expect(hand.every).toBe(250);
    expect(await apiWorker()).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^worker process on port .*never/),
    });
  });

  it("terminates a hung worker after 3 missed beats and restarts it: trading never waits, the API serves again", async () => {
    const alerts: EngineEvents["ALERT"][] = [];
    const off = t.session.bus.on("ALERT", (a) => alerts.push(a));
    try {
      const url = t.api.url;
      t.api.thread.hang();
      hand.tick();
      hand.tick();
      hand.tick();
      // The worker's event loop is blocked: bars still become steps, committed, with status posted to it.
      const before = t.session.steps;
      await t.advanceTo(230);
      expect(t.session.steps).toBe(before + 30);
      expect(t.api.thread.restarts).toBe(0);
      expect(alerts).toEqual([]);

      hand.tick();
      expect(t.api.thread.hangs).toBe(1);
      expect(await apiWorker()).toMatchObject({ ok: false, detail: expect.stringMatching(/restarting/) });
      await t.api.thread.restarted(1);
      expect(t.api.thread.url).toBe(url);
      expect(alerts.map((a) => [a.kind, a.message])).toEqual([
        ["api", expect.stringMatching(/API worker did not answer the heartbeat for 750 ms.*restarts on port/)],
      ]);
      expect(t.logLines.join("")).toMatch(/api worker hung; restarting it/);

      await t.advanceTo(240);
      await t.api.thread.settled();
      const status = (await (await get("/api/status")).json()) as { steps: number };
      expect(status.steps).toBe(sessionStatus(t.session, t.clock.now()).steps);
      const ready = (await (await get("/api/ready")).json()) as {
        components: { name: string; ok: boolean; detail: string }[];
      };
      expect(ready.components.find((c) => c.name === "api-worker")).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/restarted 1 time\(s\) \(1 hung\).*did not answer the heartbeat/),
      });
      // The new worker is watched in turn.
      for (let k = 0; k < 4; k++) {
        hand.tick();
        await t.api.thread.settled();
      }
      expect(t.api.thread.hangs).toBe(1);
    } finally {
      off();
    }
  });
});
