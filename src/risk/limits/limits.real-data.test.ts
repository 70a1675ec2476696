import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { loadCsv } from "../../data/csv/load-csv.js";
import type { CandleSeries } from "../../domain/candles.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { loadStrategy } from "../../strategy/registry.js";
import { createKillSwitch, killSwitchSchema } from "../guards/kill-switch.js";
import { utcDay } from "../shared/days.js";
import { type RiskLayer, RiskShield, sanityLayer } from "../shield.js";
import { MemoryStateStore } from "../state-store.js";
import { createLimitLayers, limitsSchema } from "./config.js";

const dataFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);

describe.skipIf(!sharedDataPresent(dataFile))(`default limit layers on real BTC/USDT 1h (${dataFile})`, () => {
  let series: CandleSeries;
  beforeAll(async () => {
    series = (await loadCsv(dataFile)).series;
  });

  it("rsi-reversion never holds more than 10 % of equity nor opens more than 10 positions a UTC day", () => {
    const store = new MemoryStateStore();
    const shield = new RiskShield([
      sanityLayer,
      createKillSwitch(killSwitchSchema.parse({}), store) as RiskLayer,
      ...createLimitLayers(limitsSchema.parse({}), store),
    ]);
    const r = runBacktest({
      feeds: [{ series, strategy: loadStrategy("rsi-reversion") }],
      cash: 10_000,
      fee: 0.001,
      shield,
    });
    expect(r.trades.length).toBeGreaterThan(100);
    const equityAt = new Map<number, number>();
    for (let i = 0; i < r.equity.time.length; i++)
      equityAt.set(r.equity.time[i] as number, r.equity.equity[i] as number);
    for (const d of r.decisions) {
      for (const check of d.risk) {
        const reduceOnly = check.verdicts.some(
          (v) => v.layer === "max-position-size" && v.reason.startsWith("reduce-only"),
        );
        if (!check.approved || reduceOnly) continue;
        // Sized at the decision bar's close against equity at that close (+ rounding slack).
        expect(check.quantity * d.price).toBeLessThanOrEqual(0.1 * (equityAt.get(d.time) as number) * 1.000001);
      }
    }
    const perDay = new Map<number, number>();
    for (const t of r.trades) perDay.set(utcDay(t.entryTime), (perDay.get(utcDay(t.entryTime)) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(10);
    // A 10 % position cannot lose 3 % of equity in an hour unless BTC falls 30 % in an hour: it never did.
    expect(r.halted).toBe(false);
  });
});
