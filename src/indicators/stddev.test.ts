import { describe, expect, it } from "vitest";
import { StddevStream, stddev } from "./stddev.js";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const btc = loadBtcHourly(3000);

describe.skipIf(talib === undefined || btc === undefined)("stddev against TA-Lib C on 3000 BTC hourly closes", () => {
  it.each([2, 5, 7, 21, 50])("equals TA-Lib STDDEV with period %i and nbdev 1 and 2", (period) => {
    for (const nbdev of [1, 2]) {
      const expected = talibRun("STDDEV", { inReal: btc!.close! }, { optInTimePeriod: period, optInNbDev: nbdev });
      expectClose(stddev(btc!.close!, period, nbdev), expected.outReal!, 1e-9, `STDDEV ${period} ×${nbdev}`);
    }
  });

  it("equals TA-Lib across the batch kernel's 4096-bar chunk boundaries (10,000 bars)", () => {
    const closes = loadBtcHourly(10_000)!.close!;
    const expected = talibRun("STDDEV", { inReal: closes }, { optInTimePeriod: 20, optInNbDev: 2 }).outReal!;
    expectClose(stddev(closes, 20, 2), expected, 1e-9, "STDDEV 20 on 10,000 bars");
  });
});

describe.skipIf(btc === undefined)("StddevStream", () => {
  it.each([2, 20])("equals the batch stddev bar by bar with period %i, and peek changes nothing", (period) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new StddevStream(period, 2), closes, formingValue);
    expectClose(outputColumn(outputs), stddev(closes, period, 2), 0, "stream vs batch");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 100));
    const stream = new StddevStream(10);
    for (const close of closes) stream.update(close);
    stream.reset();
    expectClose(outputColumn(closes.map((close) => stream.update(close))), stddev(closes, 10), 0, "after reset");
  });
});

describe("stddev edge cases", () => {
  it("returns all NaN when the input is shorter than the period", () => {
    const out = stddev([1, 2, 3, 4], 5);
    expect(out).toHaveLength(4);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it("is the population standard deviation times nbdev", () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9: population σ = 2
    expectClose(stddev([2, 4, 4, 4, 5, 5, 7, 9], 8, 1.5).subarray(7), [3], 1e-15);
  });

  it("matches TA-Lib C on flat windows: 0 when the variance residue is below 1e-14, the residue's root otherwise", () => {
    expect(Array.from(stddev([70123.45, 70123.45, 70123.45, 70123.45], 3).subarray(2))).toEqual([0, 0]);
    // TA-Lib's mean(x²) - mean(x)² leaves 1.8e-12 at 100.1; TA-Lib C returns exactly this root.
    expect(stddev([100.1, 100.1, 100.1], 3)[2]).toBe(1.3486991523486091e-6);
  });

  it("rejects periods below TA-Lib's minimum 2 and a non-finite nbdev with a RangeError", () => {
    expect(() => stddev([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => stddev([1, 2, 3], 2, Number.NaN)).toThrow(/nbdev/);
    expect(() => new StddevStream(2, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("propagates a NaN input to that and every later output, without throwing", () => {
    const out = stddev([1, 2, Number.NaN, 4, 5], 2);
    expect(out[1]).toBe(0.5);
    expect(Array.from(out.subarray(2)).every(Number.isNaN)).toBe(true);
  });
});
