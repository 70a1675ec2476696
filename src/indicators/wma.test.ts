import { describe, expect, it } from "vitest";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";
import { WmaStream, wma } from "./wma.js";

const btc = loadBtcHourly(3000);

describe.skipIf(talib === undefined || btc === undefined)("wma against TA-Lib C on 3000 BTC hourly closes", () => {
  it.each([2, 5, 7, 20, 21, 50])("equals TA-Lib WMA with period %i", (period) => {
    const expected = talibRun("WMA", { inReal: btc!.close! }, { optInTimePeriod: period }).outReal!;
    expectClose(wma(btc!.close!, period), expected, 1e-9, `WMA ${period}`);
  });

  it("equals TA-Lib across the batch kernel's 4096-bar chunk boundaries (10,000 bars)", () => {
    const closes = loadBtcHourly(10_000)!.close!;
    const expected = talibRun("WMA", { inReal: closes }, { optInTimePeriod: 20 }).outReal!;
    expectClose(wma(closes, 20), expected, 1e-9, "WMA 20 on 10,000 bars");
  });
});

describe.skipIf(btc === undefined)("WmaStream", () => {
  it.each([2, 20])("equals the batch wma bar by bar with period %i, and peek changes nothing", (period) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new WmaStream(period), closes, formingValue);
    expectClose(outputColumn(outputs), wma(closes, period), 0, "stream vs batch");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 100));
    const stream = new WmaStream(10);
    for (const close of closes) stream.update(close);
    stream.reset();
    expectClose(outputColumn(closes.map((close) => stream.update(close))), wma(closes, 10), 0, "after reset");
  });
});

describe("wma edge cases", () => {
  it("returns all NaN when the input is shorter than the period", () => {
    const out = wma([1, 2, 3, 4], 5);
    expect(out).toHaveLength(4);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it("weights the newest value most", () => {
    // period 3: (1·1 + 2·2 + 3·6) / 6 = 23 / 6
    expectClose(wma([1, 2, 6], 3), [Number.NaN, Number.NaN, 23 / 6], 1e-15);
  });

  it("rejects periods outside TA-Lib's range (>= 2) with a RangeError", () => {
    expect(() => wma([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => new WmaStream(0)).toThrow(RangeError);
  });

  it("propagates a NaN input to that and every later output, without throwing", () => {
    const out = wma([1, 2, Number.NaN, 4, 5], 2);
    expect(Number.isNaN(out[1]!)).toBe(false);
    expect(Array.from(out.subarray(2)).every(Number.isNaN)).toBe(true);
  });
});
