import { describe, expect, it } from "vitest";
import { EmaStream, ema } from "./ema.js";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly, loadReference } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("ema against the TA-Lib reference files", () => {
  it("equals EMA_20 on SPY daily and BTCUSDT hourly 2024, NaN exactly where the reference is empty", () => {
    expectClose(ema(spy!.close!, 20), spy!.EMA_20!, 1e-9, "EMA_20 SPY");
    expectClose(ema(btc2024!.close!, 20), btc2024!.EMA_20!, 1e-9, "EMA_20 BTC");
  });
});

describe.skipIf(talib === undefined || btc === undefined)("ema against TA-Lib C on 3000 BTC hourly closes", () => {
  it.each([2, 5, 7, 21, 50])("equals TA-Lib EMA with period %i", (period) => {
    const expected = talibRun("EMA", { inReal: btc!.close! }, { optInTimePeriod: period }).outReal!;
    expectClose(ema(btc!.close!, period), expected, 1e-9, `EMA ${period}`);
  });
});

describe.skipIf(btc === undefined)("EmaStream", () => {
  it.each([2, 20])("equals the batch ema bar by bar with period %i, and peek changes nothing", (period) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new EmaStream(period), closes, formingValue);
    expectClose(outputColumn(outputs), ema(closes, period), 0, "stream vs batch");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 100));
    const stream = new EmaStream(10);
    for (const close of closes) stream.update(close);
    stream.reset();
    expectClose(outputColumn(closes.map((close) => stream.update(close))), ema(closes, 10), 0, "after reset");
  });
});

describe("ema edge cases", () => {
  it("returns all NaN when the input is shorter than the period", () => {
    const out = ema([1, 2, 3, 4], 5);
    expect(out).toHaveLength(4);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it("seeds with the SMA of the first period values, then smooths with k = 2 / (period + 1)", () => {
    // period 3: seed (1 + 2 + 3) / 3 = 2, then (6 - 2) * 0.5 + 2 = 4
    expectClose(ema([1, 2, 3, 6], 3), [Number.NaN, Number.NaN, 2, 4], 0);
  });

  it("rejects periods outside TA-Lib's range (>= 2) with a RangeError", () => {
    expect(() => ema([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => ema([1, 2, 3], -3)).toThrow(RangeError);
    expect(() => new EmaStream(1.5)).toThrow(RangeError);
  });

  it("propagates a NaN input to that and every later output, without throwing", () => {
    const out = ema([1, 2, 3, Number.NaN, 5, 6], 2);
    expect(out[2]).toBe(2.5); // seed 1.5 at index 1, then (3 - 1.5) · 2/3 + 1.5
    expect(Array.from(out.subarray(3)).every(Number.isNaN)).toBe(true);
  });
});
