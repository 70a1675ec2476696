import { describe, expect, it } from "vitest";
import { SentimentProvider, vaderCompound } from "./headline-sentiment.js";
import { MacroIndexProvider } from "./macro-bars.js";
import type { Headline } from "./news-feed.js";
import { MemoryObservationLog } from "./observation-log.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 2, 1, 12);
const headline = (id: string, title: string): Headline => ({ id, title, feed: "wire" });

describe("headline sentiment (VADER by default)", () => {
  it("scores a headline with VADER's compound score: negative, positive, neutral", () => {
    expect(vaderCompound("SEC sues exchange, fraud charges")).toBeCloseTo(-0.7096, 4);
    expect(vaderCompound("Bitcoin is great!")).toBeCloseTo(0.6588, 4);
    expect(vaderCompound("Fed meets on Wednesday")).toBe(0);
  });

  it("aggregates the scores seen in the window: mean compound and the counts behind it", async () => {
    let now = T0;
    const sentiment = new SentimentProvider({ log: new MemoryObservationLog(), now: () => now, windowMs: 2 * HOUR });
    expect(
      await sentiment.score([headline("1", "SEC sues exchange, fraud charges"), headline("2", "Bitcoin is great!")]),
    ).toBe(2);
    now = T0 + HOUR;
    expect(await sentiment.score([headline("2", "Bitcoin is great!"), headline("3", "Fed meets on Wednesday")])).toBe(
      1,
    );
    expect(sentiment.at(T0 - 1)).toBeUndefined();
    expect(sentiment.at(T0)).toEqual({
      time: T0,
      value: { compound: -0.0254, headlines: 2, positive: 1, negative: 1, methods: ["vader"] },
    });
    expect(sentiment.at(T0 + 2 * HOUR)?.value).toEqual({
      compound: 0,
      headlines: 1,
      positive: 0,
      negative: 0,
      methods: ["vader"],
    });
    expect(sentiment.compound().at(T0 + HOUR)?.value).toBeCloseTo((-0.7096 + 0.6588) / 3, 4);
  });

  it("refuses a scorer that returns a different number of scores than headlines", async () => {
    const sentiment = new SentimentProvider({
      log: new MemoryObservationLog(),
      now: () => T0,
      scorer: { score: async () => ({ scores: [0.1], method: "broken" }) },
    });
    await expect(sentiment.score([headline("1", "a"), headline("2", "b")])).rejects.toThrow(
      "sentiment scorer broken gave 1 scores for 2 headlines",
    );
  });
});

describe("macro index closes (the live polling path)", () => {
  it("keeps only closed bars, each known from the poll that saw it", async () => {
    let now = T0 + 30 * 60_000;
    const rows = [
      [T0 - 2 * HOUR, 1, 1, 1, 500, 10],
      [T0 - HOUR, 1, 1, 1, 495, 10],
      [T0, 1, 1, 1, 490, 10], // still forming at 12:30
      ["junk"],
    ];
    const macro = new MacroIndexProvider({
      log: new MemoryObservationLog(),
      now: () => now,
      symbol: "SPY",
      source: { fetchOHLCV: async () => rows },
    });
    expect(await macro.poll()).toEqual({ source: "macro:SPY", added: 2, errors: [], skipped: ['bad bar ["junk"]'] });
    expect(macro.at(now)).toEqual({ value: 495, time: now });
    now = T0 + HOUR + 60_000;
    expect((await macro.poll()).added).toBe(1);
    expect(macro.at(now)).toEqual({ value: 490, time: now });
    expect(macro.at(T0 + 59 * 60_000)).toEqual({ value: 495, time: T0 + 30 * 60_000 });
  });

  it("names a bar source that fails", async () => {
    const macro = new MacroIndexProvider({
      log: new MemoryObservationLog(),
      now: () => T0,
      symbol: "QQQ",
      source: {
        fetchOHLCV: async () => {
          throw new Error("alpaca 503");
        },
      },
    });
    expect((await macro.poll()).errors).toEqual(["macro:QQQ: alpaca 503"]);
  });
});
