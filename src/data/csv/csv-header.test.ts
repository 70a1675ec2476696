import { describe, expect, it } from "vitest";
import { layoutFromHeader, layoutWithoutHeader, looksLikeHeader, normalizeHeaderName } from "./csv-header.js";

describe("normalizeHeaderName", () => {
  it("lower-cases, trims, strips quotes and turns spaces and hyphens into underscores", () => {
    expect(normalizeHeaderName(" Open Time ")).toBe("open_time");
    expect(normalizeHeaderName('"open-time"')).toBe("open_time");
    expect(normalizeHeaderName("VOLUME")).toBe("volume");
  });
});

describe("looksLikeHeader", () => {
  it("sees a header by a known name or by having no number at all", () => {
    expect(looksLikeHeader(["timestamp", "open", "high", "low", "close", "volume"])).toBe(true);
    expect(looksLikeHeader(["Date/Time", "Px"])).toBe(true);
    expect(looksLikeHeader(["1704067200000", "1", "2", "0.5", "1.5", "10"])).toBe(false);
    expect(looksLikeHeader(["2024-13-01", "1", "2", "0.5", "1.5", "10"])).toBe(false);
  });
});

describe("layoutFromHeader", () => {
  it("finds columns by name in any order and ignores the rest", () => {
    const layout = layoutFromHeader(["Volume", "Close", "Adj Close", "Low", "High", "Open", "Date"]);
    expect(layout).toEqual({
      columns: { time: 6, open: 5, high: 4, low: 3, close: 1, volume: 0 },
      fieldCount: 7,
      hasHeader: true,
    });
  });

  it("accepts the short aliases", () => {
    expect(layoutFromHeader(["ts", "o", "h", "l", "c", "v"])).toMatchObject({
      columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
    });
    expect(layoutFromHeader(["open_time", "open", "high", "low", "close", "vol", "close_time"])).toMatchObject({
      columns: { time: 0, close: 4, volume: 5 },
    });
  });

  it("prefers timestamp over date when a file has both", () => {
    expect(layoutFromHeader(["date", "timestamp", "o", "h", "l", "c", "v"])).toMatchObject({ columns: { time: 1 } });
  });

  it("says which field has no column and what the header holds", () => {
    expect(layoutFromHeader(["Date", "Open", "Low", "Close", "Volume_(BTC)"])).toBe(
      'header has no column for "high" (high|h), "volume" (volume|vol|v); found: "Date, Open, Low, Close, Volume_(BTC)"',
    );
  });
});

describe("layoutWithoutHeader", () => {
  it("assumes timestamp,open,high,low,close,volume and allows extra columns", () => {
    expect(layoutWithoutHeader(12)).toMatchObject({
      columns: { time: 0, volume: 5 },
      fieldCount: 12,
      hasHeader: false,
    });
  });

  it("refuses fewer than six columns", () => {
    expect(layoutWithoutHeader(5)).toMatch(/no header row and only 5 fields/);
  });
});
