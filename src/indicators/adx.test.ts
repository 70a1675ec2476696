import { describe, expect, it } from "vitest";
import { AdxStream, adx, dx, minusDi, minusDm, plusDi, plusDm } from "./adx.js";
import { expectClose } from "./testing/expect-close.js";
import { randomBars } from "./testing/random-bars.js";
import { loadBtcHourly, loadReference } from "./testing/reference-data.js";
import { formingBar, outputColumn, runStreamWithPeeks, toBars } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const spy = loadReference("talib_SPY_1d");
const btc2024 = loadReference("talib_BTCUSDT_1h_2024");
const btc = loadBtcHourly(3000);

describe.skipIf(spy === undefined || btc2024 === undefined)("adx against the TA-Lib reference files", () => {
  it.each([
    ["SPY", spy],
    ["BTC", btc2024],
  ])("equals ADX_14 on %s, NaN exactly where the reference is empty (first value at index 27)", (name, data) => {
    const out = adx(data!.high!, data!.low!, data!.close!, 14);
    expectClose(out, data!.ADX_14!, 1e-9, `ADX_14 ${name}`);
    expect(Number.isNaN(out[26]!) && !Number.isNaN(out[27]!)).toBe(true);
  });
});

describe.skipIf(talib === undefined || btc === undefined)("directional movement against TA-Lib C on BTC hourly", () => {
  const hlc = () => ({ high: btc!.high!, low: btc!.low!, close: btc!.close! });

  it.each([2, 5, 7, 21, 50])("adx, dx, plusDi and minusDi equal TA-Lib with period %i", (period) => {
    const { high, low, close } = hlc();
    const options = { optInTimePeriod: period };
    expectClose(adx(high, low, close, period), talibRun("ADX", hlc(), options).outReal!, 1e-9, "ADX");
    expectClose(dx(high, low, close, period), talibRun("DX", hlc(), options).outReal!, 1e-9, "DX");
    expectClose(plusDi(high, low, close, period), talibRun("PLUS_DI", hlc(), options).outReal!, 1e-9, "PLUS_DI");
    expectClose(minusDi(high, low, close, period), talibRun("MINUS_DI", hlc(), options).outReal!, 1e-9, "MINUS_DI");
  });

  it.each([1, 2, 5, 7, 21, 50])("plusDm and minusDm equal TA-Lib with period %i", (period) => {
    const { high, low } = hlc();
    const options = { optInTimePeriod: period };
    expectClose(plusDm(high, low, period), talibRun("PLUS_DM", { high, low }, options).outReal!, 1e-9, "PLUS_DM");
    expectClose(minusDm(high, low, period), talibRun("MINUS_DM", { high, low }, options).outReal!, 1e-9, "MINUS_DM");
  });

  it("dx, plusDi and minusDi equal TA-Lib across the batch kernel's 4096-bar chunk boundaries", () => {
    const bars = loadBtcHourly(10_000)!;
    const hlc10k = { high: bars.high!, low: bars.low!, close: bars.close! };
    const options = { optInTimePeriod: 14 };
    expectClose(dx(bars.high!, bars.low!, bars.close!), talibRun("DX", hlc10k, options).outReal!, 1e-9, "DX");
    expectClose(plusDi(bars.high!, bars.low!, bars.close!), talibRun("PLUS_DI", hlc10k, options).outReal!, 1e-9, "+DI");
    expectClose(
      minusDi(bars.high!, bars.low!, bars.close!),
      talibRun("MINUS_DI", hlc10k, options).outReal!,
      1e-9,
      "-DI",
    );
  });

  it("plusDi and minusDi with period 1 equal TA-Lib's ratio (no factor 100)", () => {
    const { high, low, close } = hlc();
    const options = { optInTimePeriod: 1 };
    expectClose(plusDi(high, low, close, 1), talibRun("PLUS_DI", hlc(), options).outReal!, 1e-9, "PLUS_DI 1");
    expectClose(minusDi(high, low, close, 1), talibRun("MINUS_DI", hlc(), options).outReal!, 1e-9, "MINUS_DI 1");
  });
});

describe.skipIf(talib === undefined)("directional movement through a long flat stretch (TR decays below 1e-14)", () => {
  // 80 identical bars between two trends: TA-Lib's zero guards (DI = 0, DX repeated, ADX held) all trigger.
  const closes = [
    ...Array.from({ length: 20 }, (_, i) => 100 + i),
    ...Array.from({ length: 80 }, () => 120),
    ...Array.from({ length: 20 }, (_, i) => 120 - i * 0.5),
  ];
  const high = Float64Array.from(closes, (value, i) => (i >= 20 && i < 100 ? value : value + 1));
  const low = Float64Array.from(closes, (value, i) => (i >= 20 && i < 100 ? value : value - 1));
  const close = Float64Array.from(closes);

  it("adx, dx, plusDi, minusDi and AdxStream equal TA-Lib C", () => {
    const hlc = { high, low, close };
    for (const period of [2, 3]) {
      const options = { optInTimePeriod: period };
      expectClose(adx(high, low, close, period), talibRun("ADX", hlc, options).outReal!, 1e-9, "ADX");
      expectClose(dx(high, low, close, period), talibRun("DX", hlc, options).outReal!, 1e-9, "DX");
      expectClose(plusDi(high, low, close, period), talibRun("PLUS_DI", hlc, options).outReal!, 1e-9, "PLUS_DI");
      expectClose(minusDi(high, low, close, period), talibRun("MINUS_DI", hlc, options).outReal!, 1e-9, "MINUS_DI");
      const outputs = runStreamWithPeeks(new AdxStream(period), toBars(high, low, close), formingBar);
      expectClose(outputColumn(outputs, "adx"), adx(high, low, close, period), 0, "stream adx");
      expectClose(outputColumn(outputs, "plusDi"), plusDi(high, low, close, period), 0, "stream plusDi");
    }
  });
});

describe.skipIf(btc === undefined)("AdxStream", () => {
  const bars = btc === undefined ? [] : toBars(btc.high!, btc.low!, btc.close!);

  it.each([2, 14])(
    "equals the batch adx, plusDi and minusDi bar by bar with period %i, peek changes nothing",
    (period) => {
      const outputs = runStreamWithPeeks(new AdxStream(period), bars, formingBar);
      const { high, low, close } = btc!;
      expectClose(outputColumn(outputs, "adx"), adx(high!, low!, close!, period), 0, "adx");
      expectClose(outputColumn(outputs, "plusDi"), plusDi(high!, low!, close!, period), 0, "plusDi");
      expectClose(outputColumn(outputs, "minusDi"), minusDi(high!, low!, close!, period), 0, "minusDi");
    },
  );

  it("starts over after reset", () => {
    const stream = new AdxStream(5);
    for (const bar of bars.slice(0, 60)) stream.update(bar);
    stream.reset();
    const outputs = bars.slice(0, 60).map((bar) => stream.update(bar));
    const expected = adx(btc!.high!.subarray(0, 60), btc!.low!.subarray(0, 60), btc!.close!.subarray(0, 60), 5);
    expectClose(outputColumn(outputs, "adx"), expected, 0, "after reset");
  });
});

describe("directional movement edge cases", () => {
  // A flat stretch (TR = 0) in the middle exercises TA-Lib's zero guards.
  const high = [10, 11, 12, 11, 13, 13, 13, 13, 14, 12, 15, 16, 14, 15];
  const low = [9, 9.5, 10, 10, 11, 13, 13, 13, 12, 11, 13, 14, 12, 13];
  const close = [9.5, 10.5, 11, 10.5, 12.5, 13, 13, 13, 13, 11.5, 14, 15, 13, 14];

  it("returns all NaN when the input is shorter than the warm-up", () => {
    const out = adx(high.slice(0, 5), low.slice(0, 5), close.slice(0, 5), 3);
    expect(out).toHaveLength(5);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    expect(Array.from(dx([1, 2], [0, 1], [0.5, 1.5], 2)).every(Number.isNaN)).toBe(true);
  });

  it("starts plusDm at period - 1, plusDi and dx at period, adx at 2·period - 1", () => {
    const firstValid = (series: Float64Array) => series.findIndex((value) => !Number.isNaN(value));
    expect(firstValid(plusDm(high, low, 4))).toBe(3);
    expect(firstValid(plusDi(high, low, close, 4))).toBe(4);
    expect(firstValid(dx(high, low, close, 4))).toBe(4);
    expect(firstValid(adx(high, low, close, 4))).toBe(7);
  });

  it("counts only the larger of an up move and a down move", () => {
    // bar 1: up 1, down -0.5 → +DM 1; bar 3: up -1, down 0 → none; bar 9: up -2, down 1 → −DM 1
    expectClose(plusDm(high, low, 1).subarray(0, 4), [Number.NaN, 1, 1, 0], 0);
    expect(minusDm(high, low, 1)[9]).toBe(1);
  });

  it("stays finite through bars with zero true range", () => {
    for (const series of [adx(high, low, close, 2), dx(high, low, close, 2), plusDi(high, low, close, 2)]) {
      expect(Array.from(series.subarray(3)).every(Number.isFinite)).toBe(true);
    }
  });

  it("rejects periods outside TA-Lib's ranges and mismatched lengths with a RangeError", () => {
    expect(() => adx(high, low, close, 1)).toThrow(RangeError);
    expect(() => dx(high, low, close, 1)).toThrow(RangeError);
    expect(() => plusDi(high, low, close, 0)).toThrow(RangeError);
    expect(() => minusDm(high, low, -1)).toThrow(RangeError);
    expect(() => new AdxStream(1)).toThrow(RangeError);
    expect(() => adx(high, low, close.slice(2), 3)).toThrow(/close has 12 values but high has 14/);
    expect(() => plusDm(high, low.slice(1), 3)).toThrow(RangeError);
  });

  it("propagates a NaN high to the ADX from that bar on, without throwing", () => {
    const withNaN = high.slice();
    withNaN[8] = Number.NaN;
    const out = adx(withNaN, low, close, 2);
    expect(Number.isNaN(out[7]!)).toBe(false);
    expect(Array.from(out.subarray(8)).every(Number.isNaN)).toBe(true);
  });
});

describe("directional movement batch kernels", () => {
  const bars = randomBars(20_011);
  const hlc = { high: bars.high, low: bars.low, close: bars.close };

  it("equal AdxStream bar by bar across chunk boundaries and flat stretches", () => {
    for (const period of [2, 14, 33]) {
      const stream = new AdxStream(period);
      const values = toBars(bars.high, bars.low, bars.close).map((bar) => stream.update(bar));
      expectClose(outputColumn(values, "adx"), adx(bars.high, bars.low, bars.close, period), 0, `adx(${period})`);
      expectClose(outputColumn(values, "plusDi"), plusDi(bars.high, bars.low, bars.close, period), 0, "plusDi");
      expectClose(outputColumn(values, "minusDi"), minusDi(bars.high, bars.low, bars.close, period), 0, "minusDi");
    }
  });

  it.skipIf(talib === undefined)("equal TA-Lib C on the same series", () => {
    for (const period of [2, 14, 33]) {
      const options = { optInTimePeriod: period };
      const [high, low, close] = [bars.high, bars.low, bars.close];
      expectClose(adx(high, low, close, period), talibRun("ADX", hlc, options).outReal!, 1e-9, `ADX(${period})`);
      expectClose(dx(high, low, close, period), talibRun("DX", hlc, options).outReal!, 1e-9, `DX(${period})`);
      expectClose(plusDi(high, low, close, period), talibRun("PLUS_DI", hlc, options).outReal!, 1e-9, "PLUS_DI");
      expectClose(minusDi(high, low, close, period), talibRun("MINUS_DI", hlc, options).outReal!, 1e-9, "MINUS_DI");
      const hl = { high, low };
      expectClose(plusDm(high, low, period), talibRun("PLUS_DM", hl, options).outReal!, 1e-9, "PLUS_DM");
      expectClose(minusDm(high, low, period), talibRun("MINUS_DM", hl, options).outReal!, 1e-9, "MINUS_DM");
    }
  });
});
