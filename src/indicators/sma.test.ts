import { describe, expect, it } from "vitest";
import { SmaStream, sma } from "./sma.js";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly, loadLeanBollinger, loadReference } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const lean = loadLeanBollinger();
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("sma against the TA-Lib reference files", () => {
  it("equals SMA_20 on SPY daily and BTCUSDT hourly 2024, NaN exactly where the reference is empty", () => {
    expectClose(sma(spy!.close!, 20), spy!.SMA_20!, 1e-9, "SMA_20 SPY");
    expectClose(sma(btc2024!.close!, 20), btc2024!.SMA_20!, 1e-9, "SMA_20 BTC");
  });
});

describe.skipIf(lean === undefined)("sma against QuantConnect Lean's TA-Lib Bollinger file", () => {
  it("equals the 20-day moving average column", () => {
    expectClose(sma(lean!.Close!, 20), lean!["Moving Average 20"]!, 1e-9, "Lean MA 20");
  });
});

describe.skipIf(talib === undefined || btc === undefined)("sma against TA-Lib C on 3000 BTC hourly closes", () => {
  it.each([2, 5, 7, 21, 50])("equals TA-Lib SMA with period %i", (period) => {
    const expected = talibRun("SMA", { inReal: btc!.close! }, { optInTimePeriod: period }).outReal!;
    expectClose(sma(btc!.close!, period), expected, 1e-9, `SMA ${period}`);
  });
});

describe.skipIf(btc === undefined)("SmaStream", () => {
  it.each([2, 20])("equals the batch sma bar by bar with period %i, and peek changes nothing", (period) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new SmaStream(period), closes, formingValue);
    expectClose(outputColumn(outputs), sma(closes, period), 0, "stream vs batch");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 100));
    const stream = new SmaStream(10);
    for (const close of closes) stream.update(close);
    stream.reset();
    expectClose(outputColumn(closes.map((close) => stream.update(close))), sma(closes, 10), 0, "after reset");
  });
});

describe("sma edge cases", () => {
  it("returns all NaN when the input is shorter than the period", () => {
    const out = sma([1, 2, 3, 4], 5);
    expect(out).toHaveLength(4);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    expect(sma([], 5)).toHaveLength(0);
  });

  it("outputs the first mean at index period - 1", () => {
    expectClose(sma([1, 2, 3, 4, 5], 3), [Number.NaN, Number.NaN, 2, 3, 4], 0);
  });

  it("rejects periods outside TA-Lib's range (>= 2) with a RangeError", () => {
    expect(() => sma([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => sma([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => sma([1, 2, 3], 2.5)).toThrow(/period must be an integer/);
    expect(() => new SmaStream(1)).toThrow(RangeError);
  });

  it("propagates a NaN input to that and every later output, without throwing (TA-Lib running sum)", () => {
    const out = sma([1, 2, Number.NaN, 4, 5, 6, 7], 2);
    expect(out[1]).toBe(1.5);
    expect(Array.from(out.subarray(2)).every(Number.isNaN)).toBe(true);
  });
});
