import { describe, expect, it } from "vitest";
import { BbandsStream, bbands } from "./bbands.js";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly, loadLeanBollinger, loadReference } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const lean = loadLeanBollinger();
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("bbands against the TA-Lib reference files", () => {
  it.each([
    ["SPY", spy],
    ["BTC", btc2024],
  ])("equals BBANDS_*_20_2 on %s, NaN exactly where the reference is empty", (name, data) => {
    const bands = bbands(data!.close!, 20, 2, 2);
    expectClose(bands.upper, data!.BBANDS_upper_20_2!, 1e-9, `upper ${name}`);
    expectClose(bands.middle, data!.BBANDS_middle_20_2!, 1e-9, `middle ${name}`);
    expectClose(bands.lower, data!.BBANDS_lower_20_2!, 1e-9, `lower ${name}`);
  });
});

describe.skipIf(lean === undefined)("bbands against QuantConnect Lean's TA-Lib Bollinger file", () => {
  it("equals the middle band and, within the file's 4-decimal rounding, the outer bands", () => {
    const bands = bbands(lean!.Close!, 20, 2, 2);
    expectClose(bands.middle, lean!["Moving Average 20"]!, 1e-9, "Lean middle");
    // The file rounds the bands to 4 decimals (prices ~150), so 1e-6 relative ≈ 1.5e-4 absolute.
    expectClose(bands.upper, lean!["Bollinger Bands® 20 2 Top"]!, 1e-6, "Lean top");
    expectClose(bands.lower, lean!["Bollinger Bands® 20 2 Bottom"]!, 1e-6, "Lean bottom");
  });
});

describe.skipIf(talib === undefined || btc === undefined)("bbands against TA-Lib C on 3000 BTC hourly closes", () => {
  const cases: [number, number, number][] = [
    [2, 2, 2],
    [5, 1.5, 2.5],
    [7, 2.5, 1.5],
    [21, 1, 2],
    [50, 2, 1],
    [20, 1.5, 1.5],
  ];
  it.each(cases)("equals TA-Lib BBANDS(period %i, up %f, down %f)", (period, up, down) => {
    const expected = talibRun(
      "BBANDS",
      { inReal: btc!.close! },
      { optInTimePeriod: period, optInNbDevUp: up, optInNbDevDn: down, optInMAType: 0 },
    );
    const bands = bbands(btc!.close!, period, up, down);
    expectClose(bands.upper, expected.outRealUpperBand!, 1e-9, "upper");
    expectClose(bands.middle, expected.outRealMiddleBand!, 1e-9, "middle");
    expectClose(bands.lower, expected.outRealLowerBand!, 1e-9, "lower");
  });
});

describe.skipIf(btc === undefined)("BbandsStream", () => {
  it.each([2, 20])("equals the batch bbands bar by bar with period %i, and peek changes nothing", (period) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new BbandsStream(period, 1.5, 2.5), closes, formingValue);
    const bands = bbands(closes, period, 1.5, 2.5);
    expectClose(outputColumn(outputs, "upper"), bands.upper, 0, "upper");
    expectClose(outputColumn(outputs, "middle"), bands.middle, 0, "middle");
    expectClose(outputColumn(outputs, "lower"), bands.lower, 0, "lower");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 100));
    const stream = new BbandsStream(10);
    for (const close of closes) stream.update(close);
    stream.reset();
    const outputs = closes.map((close) => stream.update(close));
    expectClose(outputColumn(outputs, "upper"), bbands(closes, 10).upper, 0, "after reset");
  });
});

describe("bbands edge cases", () => {
  it("returns all NaN bands when the input is shorter than the period", () => {
    const { upper, middle, lower } = bbands([1, 2, 3, 4], 5);
    for (const band of [upper, middle, lower]) {
      expect(band).toHaveLength(4);
      expect(Array.from(band).every(Number.isNaN)).toBe(true);
    }
  });

  it("puts the bands at the SMA ± nbdev population standard deviations", () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population σ = 2
    const { upper, middle, lower } = bbands([2, 4, 4, 4, 5, 5, 7, 9], 8, 2, 1);
    expect([upper[7], middle[7], lower[7]]).toEqual([9, 5, 3]);
  });

  it("keeps TA-Lib's rounding residue on a flat window (sum-of-squares variance), as TA-Lib C does", () => {
    // TA-Lib C gives upper - 100.1 = 2.6973982869549218e-6 here, and exactly 0 at 70123.45.
    expect(bbands([100.1, 100.1, 100.1], 3).upper[2]! - 100.1).toBe(2.6973982869549218e-6);
    const flat = bbands([70123.45, 70123.45, 70123.45], 3);
    expect(flat.upper[2]).toBe(flat.lower[2]);
  });

  it("rejects periods below TA-Lib's minimum 2 and non-finite multipliers with a RangeError", () => {
    expect(() => bbands([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => bbands([1, 2, 3], 2, Number.NaN)).toThrow(/nbdevup/);
    expect(() => new BbandsStream(2, 2, Number.NEGATIVE_INFINITY)).toThrow(/nbdevdn/);
  });

  it("propagates a NaN input to that and every later output, without throwing", () => {
    const { middle } = bbands([1, 2, Number.NaN, 4, 5], 2);
    expect(middle[1]).toBe(1.5);
    expect(Array.from(middle.subarray(2)).every(Number.isNaN)).toBe(true);
  });
});
