import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { computeMetrics } from "./metrics.js";

const dataFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);

/** timestamp and close columns of the BTC/USDT 1h file, as plain arrays. */
function readBtc(): { time: number[]; close: number[] } {
  const lines = gunzipSync(readFileSync(dataFile)).toString("utf8").trim().split("\n");
  expect(lines[0]).toBe("timestamp,open,high,low,close,volume");
  const time: number[] = [];
  const close: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    time.push(Number(cells[0]));
    close.push(Number(cells[4]));
  }
  return { time, close };
}

const hasData = sharedDataPresent(dataFile);

describe.skipIf(!hasData)(
  `computeMetrics on real BTC/USDT 1h buy-and-hold (skipped when ${dataFile} is absent)`,
  () => {
    // The suite body still runs when skipped, so read only when the file exists.
    const { time, close } = hasData ? readBtc() : { time: [0], close: [1] };
    const cash = 10_000;
    const metrics = computeMetrics({
      equity: { time: Float64Array.from(time), equity: Float64Array.from(close, (c) => (c / close[0]!) * cash) },
      trades: [],
      initialCash: cash,
      benchmarkClose: Float64Array.from(close),
    });

    it("gives total return = last close / first close - 1 and infers 8760 bars per year", () => {
      expect(metrics.totalReturn).toBeCloseTo(close.at(-1)! / close[0]! - 1, 9);
      expect(metrics.benchmarkReturn).toBeCloseTo(metrics.totalReturn!, 12);
      expect(metrics.excessReturnVsBenchmark).toBeCloseTo(0, 9);
      expect(metrics.periodsPerYear).toBe(8760);
    });

    it("finds the 2021-11 -> 2022-11 bear market (about 77 %) as the max drawdown", () => {
      // Independent check: the highest close of November 2021 and the lowest close after it up to 2022-11-30.
      const novemberStart = Date.UTC(2021, 10, 1);
      const peakEnd = Date.UTC(2021, 11, 1);
      const troughEnd = Date.UTC(2022, 11, 1);
      let peakIndex = -1;
      time.forEach((t, i) => {
        if (t >= novemberStart && t < peakEnd && (peakIndex < 0 || close[i]! > close[peakIndex]!)) peakIndex = i;
      });
      const trough = close.reduce(
        (low, c, i) => (i > peakIndex && time[i]! < troughEnd ? Math.min(low, c) : low),
        Number.POSITIVE_INFINITY,
      );
      const expected = 1 - trough / close[peakIndex]!;
      expect(expected).toBeGreaterThan(0.75);
      expect(expected).toBeLessThan(0.8);

      expect(metrics.maxDrawdown).toBeCloseTo(expected, 9);
      expect(metrics.benchmarkMaxDrawdown).toBeCloseTo(expected, 9);
      expect(metrics.maxDrawdownPeakTime).toBe(time[peakIndex]);
      expect(new Date(metrics.maxDrawdownTroughTime!).toISOString().slice(0, 7)).toBe("2022-11");
      // BTC regained its Nov-2021 high in March 2024.
      expect(new Date(metrics.maxDrawdownRecoveryTime!).toISOString().slice(0, 7)).toBe("2024-03");
    });
  },
);
