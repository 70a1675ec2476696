import { describe, expect, it } from "vitest";
import { ema } from "./ema.js";
import { MacdStream, macd } from "./macd.js";
import { expectClose } from "./testing/expect-close.js";
import { loadBtcHourly, loadReference } from "./testing/reference-data.js";
import { formingValue, outputColumn, runStreamWithPeeks } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("macd against the TA-Lib reference files", () => {
  it.each([
    ["SPY", spy],
    ["BTC", btc2024],
  ])("equals MACD_12_26_9, its signal and histogram on %s, NaN exactly where the reference is empty", (name, data) => {
    const result = macd(data!.close!);
    expectClose(result.macd, data!.MACD_12_26_9!, 1e-9, `macd ${name}`);
    expectClose(result.signal, data!.MACD_signal_12_26_9!, 1e-9, `signal ${name}`);
    expectClose(result.histogram, data!.MACD_hist_12_26_9!, 1e-9, `histogram ${name}`);
  });
});

describe.skipIf(talib === undefined || btc === undefined)("macd against TA-Lib C on 3000 BTC hourly closes", () => {
  const cases: [number, number, number][] = [
    [12, 26, 9],
    [5, 35, 5],
    [8, 17, 9],
    [2, 5, 2],
    [7, 21, 7],
    [21, 50, 2],
    [26, 12, 9],
  ];
  it.each(cases)("equals TA-Lib MACD(%i, %i, %i)", (fast, slow, signal) => {
    const expected = talibRun(
      "MACD",
      { inReal: btc!.close! },
      { optInFastPeriod: fast, optInSlowPeriod: slow, optInSignalPeriod: signal },
    );
    const result = macd(btc!.close!, fast, slow, signal);
    expectClose(result.macd, expected.outMACD!, 1e-9, "macd");
    expectClose(result.signal, expected.outMACDSignal!, 1e-9, "signal");
    expectClose(result.histogram, expected.outMACDHist!, 1e-9, "histogram");
  });
});

describe.skipIf(btc === undefined)("MacdStream", () => {
  const cases: [number, number, number][] = [
    [12, 26, 9],
    [5, 35, 5],
    [26, 12, 1],
  ];
  it.each(cases)("equals the batch macd(%i, %i, %i) bar by bar, and peek changes nothing", (fast, slow, signal) => {
    const closes = Array.from(btc!.close!);
    const outputs = runStreamWithPeeks(new MacdStream(fast, slow, signal), closes, formingValue);
    const result = macd(closes, fast, slow, signal);
    expectClose(outputColumn(outputs, "macd"), result.macd, 0, "macd");
    expectClose(outputColumn(outputs, "signal"), result.signal, 0, "signal");
    expectClose(outputColumn(outputs, "histogram"), result.histogram, 0, "histogram");
  });

  it("starts over after reset", () => {
    const closes = Array.from(btc!.close!.subarray(0, 200));
    const stream = new MacdStream();
    for (const close of closes) stream.update(close);
    stream.reset();
    const outputs = closes.map((close) => stream.update(close));
    expectClose(outputColumn(outputs, "signal"), macd(closes).signal, 0, "after reset");
  });
});

describe("macd edge cases", () => {
  it("starts all three outputs at index slow + signal - 2 (33 for 12/26/9)", () => {
    const closes = Array.from({ length: 40 }, (_, i) => 100 + Math.sin(i) * 5);
    const { macd: line, signal, histogram } = macd(closes);
    for (const series of [line, signal, histogram]) {
      expect(Number.isNaN(series[32]!)).toBe(true);
      expect(Number.isNaN(series[33]!)).toBe(false);
    }
  });

  it("seeds the fast EMA at index slow - 1 from the fast-period values ending there (TA-Lib)", () => {
    const closes = Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 3) * 5 + i / 10);
    const lateFast = ema(closes.subarray(26 - 12), 12);
    const slow = ema(closes, 26);
    const { macd: line } = macd(closes);
    expect(line[40]).toBe(lateFast[40 - 14]! - slow[40]!);
  });

  it("returns all NaN when the input is too short", () => {
    const { macd: line, signal, histogram } = macd(new Float64Array(33).fill(1));
    for (const series of [line, signal, histogram]) {
      expect(series).toHaveLength(33);
      expect(Array.from(series).every(Number.isNaN)).toBe(true);
    }
  });

  it("accepts signal period 1 (a signal line equal to macd up to rounding)", () => {
    const closes = Array.from({ length: 50 }, (_, i) => 100 + Math.cos(i / 4) * 3);
    const { macd: line, signal } = macd(closes, 3, 6, 1);
    expectClose(signal, line, 1e-12, "signal 1");
  });

  it("rejects fast/slow below 2 and signal below 1 with a RangeError", () => {
    expect(() => macd([1, 2, 3], 1, 26, 9)).toThrow(/fastPeriod/);
    expect(() => macd([1, 2, 3], 12, 1, 9)).toThrow(/slowPeriod/);
    expect(() => macd([1, 2, 3], 12, 26, 0)).toThrow(/signalPeriod/);
    expect(() => new MacdStream(12, 26, 0.5)).toThrow(RangeError);
  });

  it("propagates a NaN input to that and every later output, without throwing", () => {
    const closes = Array.from({ length: 60 }, (_, i) => 100 + i);
    closes[45] = Number.NaN;
    const { macd: line } = macd(closes);
    expect(Number.isNaN(line[44]!)).toBe(false);
    expect(Array.from(line.subarray(45)).every(Number.isNaN)).toBe(true);
  });
});
