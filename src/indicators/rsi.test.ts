import { describe, expect, it } from "vitest";
import { RsiStream, rsi } from "./rsi.js";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly, loadReference } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("rsi against the TA-Lib reference files", () => {
  it("equals RSI_14 on SPY daily and BTCUSDT hourly 2024, NaN exactly where the reference is empty", () => {
    expectClose(rsi(spy!.close!, 14), spy!.RSI_14!, 1e-9, "RSI_14 SPY");
    expectClose(rsi(btc2024!.close!, 14), btc2024!.RSI_14!, 1e-9, "RSI_14 BTC");
  });
});

describe.skipIf(talib === undefined || btc === undefined)("rsi against TA-Lib C on 3000 BTC hourly closes", () => {
  it.each([2, 5, 7, 21, 50])("equals TA-Lib RSI with period %i", (period) => {
    const expected = talibRun("RSI", { inReal: btc!.close! }, { optInTimePeriod: period }).outReal!;
    expectClose(rsi(btc!.close!, period), expected, 1e-9, `RSI ${period}`);
  });
});

describe.skipIf(talib === undefined)("rsi through a long flat stretch (gain + loss decays below 1e-14)", () => {
  it("equals TA-Lib C, stream included", () => {
    const closes = [
      ...Array.from({ length: 20 }, (_, i) => 100 + (i % 3)),
      ...Array.from({ length: 120 }, () => 101),
      ...Array.from({ length: 20 }, (_, i) => 101 - (i % 4)),
    ];
    for (const period of [2, 5]) {
      const expected = talibRun("RSI", { inReal: closes }, { optInTimePeriod: period }).outReal!;
      expectClose(rsi(closes, period), expected, 1e-9, `RSI ${period}`);
      const outputs = runStreamWithPeeks(new RsiStream(period), closes, formingValue);
      expectClose(outputColumn(outputs), expected, 1e-9, `RsiStream ${period}`);
    }
  });
});

describe.skipIf(btc === undefined)("RsiStream", () => {
  it.each([2, 14])("equals the batch rsi bar by bar with period %i, and peek changes nothing", (period) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new RsiStream(period), closes, formingValue);
    expectClose(outputColumn(outputs), rsi(closes, period), 0, "stream vs batch");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 100));
    const stream = new RsiStream(10);
    for (const close of closes) stream.update(close);
    stream.reset();
    expectClose(outputColumn(closes.map((close) => stream.update(close))), rsi(closes, 10), 0, "after reset");
  });
});

describe("rsi edge cases", () => {
  it("returns all NaN when the input has no more than `period` values", () => {
    const out = rsi([1, 2, 3, 4, 5], 5);
    expect(out).toHaveLength(5);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it("is 100 when prices only rise, and 0 when they are flat (TA-Lib convention)", () => {
    expect(rsi([1, 2, 3, 4, 5], 3)[3]).toBe(100);
    expect(Array.from(rsi([7, 7, 7, 7, 7], 2).subarray(2))).toEqual([0, 0, 0]);
  });

  it("seeds with the mean gain and loss of the first `period` changes", () => {
    // changes +2, -1: gain 1, loss 0.5 → 100 · 1 / 1.5
    expect(rsi([10, 12, 11], 2)[2]).toBe(100 * (1 / 1.5));
  });

  it("rejects periods below TA-Lib's minimum 2 with a RangeError", () => {
    expect(() => rsi([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => new RsiStream(Number.NaN)).toThrow(RangeError);
  });

  it("propagates a NaN input to that and every later output, without throwing", () => {
    const out = rsi([1, 2, 3, Number.NaN, 5, 6], 2);
    expect(out[2]).toBe(100);
    expect(Array.from(out.subarray(3)).every(Number.isNaN)).toBe(true);
  });
});
