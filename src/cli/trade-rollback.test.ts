import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import type { CandleSeries } from "../domain/candles.js";
import { ManualClock } from "../domain/clock.js";
import { defaultInstrument } from "../domain/instrument.js";
import { MemorySessionStore } from "../engine/trading/session-store.js";
import { ReplayFeed } from "../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../engine/trading/trading-session.js";
import { KillSwitch, killSwitchSchema } from "../risk/guards/kill-switch.js";
import { RiskShield } from "../risk/shield.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { compileSpec } from "../strategy/spec/compile.js";
import { validateSpec } from "../strategy/spec/parse.js";
import { attachTradeRollback } from "./trade-rollback.js";

const H = 3_600_000;

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
    for (const to of ["backtested", "validated", "shadow", "awaiting-approval", "live-small", "live"] as const)
      await store.strategies.transition("v1", to, "alice", `to ${to}`, 0);
    const n = 200;
    const close = Float64Array.from({ length: n }, (_, i) => (i < 150 ? 100 + (i % 2) * 0.1 : 70));
    const series = {
      symbol: "AAA/USDT",
      timeframe: "1h",
      length: n,
      time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + i * H),
      open: close,
      high: close.map((c) => c * 1.001),
      low: close.map((c) => c * 0.999),
      close,
      volume: new Float64Array(n).fill(1e6),
    } as CandleSeries;
    const clock = new ManualClock((series.time[100] as number) + H);
    const feed = new ReplayFeed([series], H, clock);
    const latches = new MemoryStateStore();
    const killSwitch = new KillSwitch(
      latches,
      killSwitchSchema.parse({ rollingDrop: { enabled: false }, maxDrawdown: { pct: 5 } }),
    );
    const session = new TradingSession({
      session: "paper",
      slots: [
        {
          symbol: series.symbol,
          strategy: compileSpec(validateSpec({ name: "hold", entry: { long: { gt: ["close", 0] } } })),
          instrument: defaultInstrument(series.symbol),
        },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store: new MemorySessionStore(),
      clock,
      warmupBars: 100,
      buildShield: () => new RiskShield([killSwitch]),
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
