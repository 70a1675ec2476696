import { describe, expect, it } from "vitest";
import { type CandleSeries, emptySeries } from "../../domain/candles.js";
import type { CandleSource } from "../context.js";
import { CandleMirror, candleUpdates } from "./candle-mirror.js";
import type { CandleUpdate } from "./messages.js";

function series(symbol: string, times: readonly number[]): CandleSeries {
  const s = emptySeries(symbol, "1m", times.length);
  times.forEach((t, i) => {
    s.time[i] = t;
    s.close[i] = t / 1000;
  });
  return s;
}

/** A source whose bars can be replaced, as a session's buffers grow or are trimmed. */
function source(initial: Record<string, CandleSeries>) {
  const held = { ...initial };
  const src: CandleSource = {
    markets: () => Object.keys(held).map((symbol) => ({ symbol, timeframe: "1m" })),
    series: (symbol) => held[symbol],
  };
  return { src, held };
}

describe("the API worker's copy of the session's candles", () => {
  it("takes every bar first, then only the bars after those it holds, and none when nothing is new", async () => {
    const { src, held } = source({ A: series("A", [0, 60_000]), B: series("B", [0]) });
    const asked: CandleUpdate[][] = [];
    const mirror = new CandleMirror(async (have) => {
      const answer = candleUpdates(src, have);
      asked.push(answer.updates);
      return answer;
    });
    await mirror.refresh();
    expect(mirror.markets()).toEqual([
      { symbol: "A", timeframe: "1m" },
      { symbol: "B", timeframe: "1m" },
    ]);
    expect(asked[0]?.map((u) => [u.symbol, u.from, u.series.length])).toEqual([
      ["A", 0, 2],
      ["B", 0, 1],
    ]);
    held.A = series("A", [0, 60_000, 120_000, 180_000]);
    await mirror.refresh();
    expect(asked[1]?.map((u) => [u.symbol, u.from, u.series.length])).toEqual([["A", 2, 2]]);
    expect(Array.from(mirror.series("A", "1m")?.close ?? [])).toEqual([0, 60, 120, 180]);
    expect(mirror.series("B", "1m")?.length).toBe(1);
    await mirror.refresh("step 7");
    await mirror.refresh("step 7");
    expect(asked).toHaveLength(3);
  });

  it("asks in slices of at most maxBars until it holds everything, whatever the number of markets", async () => {
    const times = Array.from({ length: 10 }, (_, i) => i * 60_000);
    const { src } = source({ A: series("A", times), B: series("B", times), C: series("C", times) });
    const sizes: number[] = [];
    const mirror = new CandleMirror(async (have) => {
      const answer = candleUpdates(src, have, 4);
      sizes.push(answer.updates.reduce((n, u) => n + u.series.length, 0));
      return answer;
    });
    await mirror.refresh();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
    for (const symbol of ["A", "B", "C"]) expect(Array.from(mirror.series(symbol, "1m")?.time ?? [])).toEqual(times);
  });

  it("takes every bar again when the first one changed (a trimmed buffer)", async () => {
    const { src, held } = source({ A: series("A", [0, 60_000]) });
    const mirror = new CandleMirror(async (have) => candleUpdates(src, have));
    await mirror.refresh();
    held.A = series("A", [60_000, 120_000]);
    expect(candleUpdates(src, [{ symbol: "A", timeframe: "1m", first: 0, length: 2 }]).updates[0]?.from).toBe(0);
    await mirror.refresh();
    expect(Array.from(mirror.series("A", "1m")?.time ?? [])).toEqual([60_000, 120_000]);
  });

  it("copies the bars it sends, so the message does not carry the session's whole buffer", () => {
    const big = series("A", [0, 60_000, 120_000]);
    const {
      updates: [update],
    } = candleUpdates({ markets: () => [{ symbol: "A", timeframe: "1m" }], series: () => big }, [
      { symbol: "A", timeframe: "1m", first: 0, length: 2 },
    ]);
    // The six columns of the one new bar, in one buffer: nothing of the bars the worker holds.
    expect(update?.series.time.buffer.byteLength).toBe(6 * 8);
    expect(update?.series.close.buffer).toBe(update?.series.time.buffer);
  });

  it("appends bar by bar into columns that grow by doubling; series handed out before keep their bars", async () => {
    const times: number[] = [0];
    const { src, held } = source({ A: series("A", times) });
    const mirror = new CandleMirror(async (have) => candleUpdates(src, have));
    await mirror.refresh();
    const handedOut: CandleSeries[] = [];
    for (let k = 1; k <= 40; k++) {
      times.push(k * 60_000);
      held.A = series("A", times);
      await mirror.refresh();
      handedOut.push(mirror.series("A", "1m") as CandleSeries);
    }
    const last = mirror.series("A", "1m") as CandleSeries;
    expect(last.length).toBe(41);
    expect(Array.from(last.time)).toEqual(times);
    expect(Array.from(last.close)).toEqual(times.map((t) => t / 1000));
    handedOut.forEach((s, i) => {
      expect(s.length).toBe(i + 2);
      expect(Array.from(s.time)).toEqual(times.slice(0, i + 2));
    });
    // 41 bars in columns of 2, 4, … 64: the last appends wrote into the same buffer instead of copying the history.
    expect(handedOut[38]?.time.buffer).toBe(last.time.buffer);
    expect(new Set(handedOut.map((s) => s.time.buffer)).size).toBeLessThanOrEqual(7);
  });
});
