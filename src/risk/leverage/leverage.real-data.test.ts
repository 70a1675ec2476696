import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { loadCsv } from "../../data/csv/load-csv.js";
import type { CandleSeries } from "../../domain/candles.js";
import { sharedDataDir } from "../../indicators/testing/reference-data.js";
import { logReturnVolatility } from "../../indicators/volatility.js";
import { loadStrategy } from "../../strategy/registry.js";
import { RiskShield, sanityLayer } from "../shield.js";
import { createLeverageLayers, leverageGuardSchema } from "./volatility-leverage.js";

const btcFile = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;

/** Opening orders of sma-cross at 3× through the guard alone: how many it denied, and at what volatility. */
function run(series: CandleSeries, config: Record<string, unknown>) {
  const shield = new RiskShield([sanityLayer, ...createLeverageLayers(leverageGuardSchema.parse(config))]);
  const result = runBacktest({
    feeds: [{ series, strategy: loadStrategy("sma-cross"), leverage: 3 }],
    cash: 10_000,
    fee: 0.001,
    shield,
  });
  const annual = logReturnVolatility(series.close, 20).map((v) => v * Math.sqrt(8760));
  const index = new Map<number, number>();
  for (let i = 0; i < series.length; i++) index.set(series.time[i] as number, i);
  const entries: { volatility: number; denied: boolean }[] = [];
  for (const d of result.decisions) {
    for (const check of d.risk) {
      const v = check.verdicts.find((x) => x.layer === "volatility-leverage");
      if (!v || v.reason.startsWith("reduce-only")) continue;
      entries.push({ volatility: annual[index.get(d.time) as number] as number, denied: v.verdict === "deny" });
    }
  }
  return entries;
}

describe.skipIf(!existsSync(btcFile))(`3× leverage on real BTC/USDT 1h (skipped when ${btcFile} is absent)`, () => {
  let series: CandleSeries;
  beforeAll(async () => {
    series = (await loadCsv(btcFile)).series;
  });

  it("the default lets most 3× entries through where the former default (target 100 %) denied most", () => {
    const before = run(series, { targetVolatility: 1 });
    const after = run(series, {});
    const denied = (entries: typeof before) => entries.filter((e) => e.denied).length;
    expect(after.length).toBe(before.length);
    expect(before.length).toBeGreaterThan(1000);
    // Measured: 787 of 1,330 entries denied before (59 %), 261 after (20 %).
    expect(denied(before) / before.length).toBeGreaterThan(0.5);
    expect(denied(after) / after.length).toBeLessThan(0.25);
  });

  it("still denies every 3× entry above 200 % / 3 = 67 % annualised volatility, and none below", () => {
    const entries = run(series, {});
    const warm = entries.filter((e) => Number.isFinite(e.volatility));
    const extreme = warm.filter((e) => e.volatility > 1);
    expect(extreme.length).toBeGreaterThan(10);
    expect(extreme.every((e) => e.denied)).toBe(true);
    expect(warm.filter((e) => e.volatility > 2 / 3 + 1e-9).every((e) => e.denied)).toBe(true);
    expect(warm.filter((e) => e.volatility < 2 / 3 - 1e-9).some((e) => e.denied)).toBe(false);
  });
});
