import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCsv } from "../../data/csv/load-csv.js";
import type { CandleSeries } from "../../domain/candles.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { detectRegimes, RegimeStream } from "./detect-regimes.js";
import { REGIME_CODE, REGIME_NAMES } from "./regime-config.js";

const dataFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);

describe.skipIf(!sharedDataPresent(dataFile))(`regime detector on real BTC/USDT 1h (${dataFile})`, () => {
  let series: CandleSeries;
  let codes: Int8Array;
  beforeAll(async () => {
    series = (await loadCsv(dataFile)).series;
    codes = detectRegimes(series);
  });

  it("streams exactly the batch codes over every bar", () => {
    const stream = new RegimeStream();
    const bar = { high: 0, low: 0, close: 0 };
    let mismatches = 0;
    for (let i = 0; i < series.length; i++) {
      bar.high = series.high[i]!;
      bar.low = series.low[i]!;
      bar.close = series.close[i]!;
      if (stream.update(bar) !== codes[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("never looks ahead: rewriting later bars leaves every earlier code unchanged", () => {
    for (const cut of [1000, 20_000, 43_000]) {
      const scale = (values: Float64Array) => values.map((v, i) => (i >= cut ? v * (1 + 0.3 * Math.sin(i)) : v));
      const close = scale(series.close);
      const high = scale(series.high).map((h, i) => Math.max(h, close[i]!));
      const low = scale(series.low).map((l, i) => Math.min(l, close[i]!));
      const changed = detectRegimes({ high, low, close });
      expect(Array.from(changed.subarray(0, cut))).toEqual(Array.from(codes.subarray(0, cut)));
      expect(Array.from(changed.subarray(cut))).not.toEqual(Array.from(codes.subarray(cut)));
    }
  });

  it("classifies the March 2020 crash (2020-03-12) as crash", () => {
    const from = Date.UTC(2020, 2, 12);
    const day: number[] = [];
    for (let i = 0; i < series.length; i++) {
      const t = series.time[i]!;
      if (t >= from && t < from + 86_400_000) day.push(codes[i]!);
    }
    expect(day).toHaveLength(24);
    const crashBars = day.filter((c) => c === REGIME_CODE.crash).length;
    expect(crashBars).toBeGreaterThanOrEqual(12);
    // From the 10:00 plunge (−18 % in an hour) to the end of the day, every bar is a crash.
    expect(day.slice(10)).toEqual(new Array(14).fill(REGIME_CODE.crash));
  });

  it("finds every regime, warms up for 740 bars and then always has a code", () => {
    const counts = new Map<number, number>();
    for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
    for (const name of REGIME_NAMES) expect(counts.get(REGIME_CODE[name]) ?? 0, name).toBeGreaterThan(100);
    expect(counts.get(-1)).toBe(740);
    expect(Array.from(codes.subarray(0, 740)).every((c) => c === -1)).toBe(true);
  });
});
