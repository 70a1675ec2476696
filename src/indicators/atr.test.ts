import { describe, expect, it } from "vitest";
import { AtrStream, atr, TrangeStream, trange } from "./atr.js";
import { expectClose } from "./testing/expect-close.js";
import { randomBars } from "./testing/random-bars.js";
import { loadBtcHourly, loadReference } from "./testing/reference-data.js";
import { formingBar, outputColumn, runStreamWithPeeks, toBars } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("atr against the TA-Lib reference files", () => {
  it.each([
    ["SPY", spy],
    ["BTC", btc2024],
  ])("equals ATR_14 on %s, NaN exactly where the reference is empty", (name, data) => {
    expectClose(atr(data!.high!, data!.low!, data!.close!, 14), data!.ATR_14!, 1e-9, `ATR_14 ${name}`);
  });
});

describe.skipIf(talib === undefined || btc === undefined)("atr against TA-Lib C on 3000 BTC hourly bars", () => {
  it.each([1, 2, 5, 7, 21, 50])("equals TA-Lib ATR with period %i", (period) => {
    const { high, low, close } = btc!;
    const expected = talibRun("ATR", { high: high!, low: low!, close: close! }, { optInTimePeriod: period });
    expectClose(atr(high!, low!, close!, period), expected.outReal!, 1e-9, `ATR ${period}`);
  });

  it("trange equals TA-Lib TRANGE", () => {
    const { high, low, close } = btc!;
    const expected = talibRun("TRANGE", { high: high!, low: low!, close: close! });
    expectClose(trange(high!, low!, close!), expected.outReal!, 1e-9, "TRANGE");
  });
});

describe.skipIf(btc === undefined)("AtrStream and TrangeStream", () => {
  const bars = btc === undefined ? [] : toBars(btc.high!, btc.low!, btc.close!);

  it.each([1, 2, 14])(
    "AtrStream equals the batch atr bar by bar with period %i, and peek changes nothing",
    (period) => {
      const outputs = runStreamWithPeeks(new AtrStream(period), bars, formingBar);
      expectClose(outputColumn(outputs), atr(btc!.high!, btc!.low!, btc!.close!, period), 0, "stream vs batch");
    },
  );

  it("TrangeStream equals the batch trange bar by bar", () => {
    const outputs = runStreamWithPeeks(new TrangeStream(), bars, formingBar);
    expectClose(outputColumn(outputs), trange(btc!.high!, btc!.low!, btc!.close!), 0, "stream vs batch");
  });

  it("starts over after reset and accepts bars with only high, low and close", () => {
    const stream = new AtrStream(5);
    for (const bar of bars.slice(0, 50)) stream.update(bar);
    stream.reset();
    const outputs = bars.slice(0, 50).map(({ high, low, close }) => stream.update({ high, low, close }));
    const expected = atr(btc!.high!.subarray(0, 50), btc!.low!.subarray(0, 50), btc!.close!.subarray(0, 50), 5);
    expectClose(outputColumn(outputs), expected, 0, "after reset");
  });
});

describe("atr edge cases", () => {
  const high = [10, 11, 12, 11, 13];
  const low = [9, 9.5, 10, 10, 11];
  const close = [9.5, 10.5, 11, 10.5, 12.5];

  it("returns all NaN when there are no more than `period` bars", () => {
    const out = atr(high, low, close, 5);
    expect(out).toHaveLength(5);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it("takes the largest of high - low and the gaps to the previous close", () => {
    // bar 1: max(1.5, |11 - 9.5|, |9.5 - 9.5|) = 1.5; bar 2: max(2, 1.5, 0.5) = 2; bar 4: max(2, 2.5, 0.5) = 2.5
    expectClose(trange(high, low, close), [Number.NaN, 1.5, 2, 1, 2.5], 0);
  });

  it("seeds with the mean true range of bars 1..period, then smooths like Wilder", () => {
    expectClose(atr(high, low, close, 2), [Number.NaN, Number.NaN, 1.75, 1.375, 1.9375], 0);
  });

  it("with period 1 equals the true range (TA-Lib)", () => {
    expectClose(atr(high, low, close, 1), trange(high, low, close), 0);
  });

  it("rejects an invalid period and mismatched lengths with a RangeError", () => {
    expect(() => atr(high, low, close, 0)).toThrow(RangeError);
    expect(() => new AtrStream(2.5)).toThrow(RangeError);
    expect(() => atr(high, low.slice(1), close, 2)).toThrow(/low has 4 values but high has 5/);
    expect(() => trange(high, low, close.slice(1))).toThrow(RangeError);
  });

  it("propagates a NaN high to that and every later output, without throwing", () => {
    const out = atr([10, 11, Number.NaN, 11, 13], low, close, 1);
    expect(out[1]).toBe(1.5);
    expect(Number.isNaN(out[2]!)).toBe(true);
    expect(Array.from(atr([10, 11, 12, Number.NaN, 13], low, close, 2).subarray(3)).every(Number.isNaN)).toBe(true);
  });
});

describe.skipIf(talib === undefined)("atr batch kernel", () => {
  it("equals TA-Lib C across chunk boundaries and flat stretches", () => {
    const bars = randomBars(20_011);
    const hlc = { high: bars.high, low: bars.low, close: bars.close };
    for (const period of [2, 14, 33]) {
      const expected = talibRun("ATR", hlc, { optInTimePeriod: period }).outReal!;
      expectClose(atr(bars.high, bars.low, bars.close, period), expected, 1e-9, `ATR(${period})`);
    }
  });
});
