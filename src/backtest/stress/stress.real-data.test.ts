import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCsv } from "../../data/csv/load-csv.js";
import type { CandleSeries } from "../../domain/candles.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { loadStrategy } from "../../strategy/registry.js";
import { runStressTest } from "./stress-test.js";

const dataFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);

describe.skipIf(!sharedDataPresent(dataFile))(`flash-crash stress test on real BTC/USDT 1h (${dataFile})`, () => {
  let series: CandleSeries;
  beforeAll(async () => {
    series = (await loadCsv(dataFile)).series;
  });
  const base = () => ({ series, cash: 10_000, fee: 0.001 });

  it("fails sma-cross without a stop: every crash hits a long position and costs about 20 %", () => {
    const report = runStressTest({ ...base(), strategy: loadStrategy("sma-cross") });
    expect(report.injections.map((i) => i.position)).toEqual(["long", "long", "long", "long", "long"]);
    for (const injection of report.injections) {
      expect(injection.positionStopped).toBe(false);
      expect(injection.maxDrawdown).toBeGreaterThan(0.15);
      expect(injection.maxDrawdown).toBeLessThan(0.25);
    }
    expect(report.stop.exists).toBe(false);
    expect(report.passed).toBe(false);
  });

  it("passes sma-cross with stopLoss=3: the stop closes every crashed position at −3 % minus fees", () => {
    const report = runStressTest({ ...base(), strategy: loadStrategy("sma-cross", { stopLoss: 3 }) });
    for (const injection of report.injections) {
      expect(injection.position).toBe("long");
      expect(injection.positionStopped).toBe(true);
      expect(injection.stopExits[0]?.time).toBe(injection.time);
      expect(injection.stopExits[0]?.returnPct).toBeCloseTo(-0.032, 3);
      expect(injection.maxDrawdown).toBeLessThan(0.06);
      expect(injection.reentryLoop).toBe(false);
    }
    expect(report.passed).toBe(true);
  });

  it("with a gap the same stop fills at the bottom; half the equity per position keeps the loss near 10 %", () => {
    const strategy = loadStrategy("sma-cross", { stopLoss: 3 });
    const full = runStressTest({ ...base(), strategy, gap: true });
    expect(full.injections.every((i) => i.positionStopped && i.maxDrawdown > 0.15)).toBe(true);
    expect(full.passed).toBe(false);
    const half = runStressTest({ ...base(), strategy, gap: true, size: { type: "percent-equity", value: 50 } });
    for (const injection of half.injections) {
      expect(injection.positionStopped).toBe(true);
      expect(injection.maxDrawdown).toBeGreaterThan(0.09);
      expect(injection.maxDrawdown).toBeLessThan(0.12);
    }
    expect(half.passed).toBe(true);
  });
});
