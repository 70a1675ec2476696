import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { ManualClock } from "../domain/clock.js";
import { MemorySessionStore } from "../engine/trading/session-store.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { compileSpec } from "../strategy/spec/compile.js";
import { validateSpec } from "../strategy/spec/parse.js";
import { crashMarket, crashSession, H, PATH_TO_LIVE } from "./testing/crash-session.js";
import { attachTradeRollback } from "./trade-rollback.js";

describe("aegis trade's automatic rollback", () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-trade-rollback-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("retires the live strategy and closes the session's positions when the kill switch trips and no previous version exists", async () => {
    await store.strategies.upsert({ id: "v1", name: "hold", source: "user", spec: {} }, "alice", 0);
    for (const to of PATH_TO_LIVE) await store.strategies.transition("v1", to, "alice", `to ${to}`, 0);
    const series = crashMarket();
    const clock = new ManualClock((series.time[100] as number) + H);
    const latches = new MemoryStateStore();
    const { session, feed } = crashSession({
      series,
      clock,
      latches,
      strategy: compileSpec(validateSpec({ name: "hold", entry: { long: { gt: ["close", 0] } } })),
      store: new MemorySessionStore(),
    });
    const alerts: string[] = [];
    session.bus.on("ALERT", (a) => alerts.push(a.message));
    const logged: string[] = [];
    const rollbacks = attachTradeRollback({
      session,
      store,
      config: configSchema.parse({}),
      latches,
      log: { info: (_o, m) => logged.push(m), error: (_o, m) => logged.push(m) },
    });
    await session.start();
    feed.deliverUntil((series.time[160] as number) + H);
    await session.flushed();
    await rollbacks.idle();
    // The emergency stop's flatten fills at the next bar's open, as every paper order does.
    feed.deliverUntil((series.time[162] as number) + H);
    await session.flushed();
    await session.stop();

    expect(logged).toEqual(["automatic rollback"]);
    expect((await store.strategies.get("v1"))?.status).toBe("retired");
    expect((await store.strategies.transitions("v1")).at(-1)?.reason).toMatch(
      /^rolled back to flat \(no previous version\): kill switch: drawdown/,
    );
    expect(alerts).toContainEqual(expect.stringMatching(/^automatic rollback: v1 retired, no previous version: flat/));
    expect(session.portfolio.positionQuantity(series.symbol)).toBe(0);
    expect(session.engine.halted).toBe(true);
  });
});
