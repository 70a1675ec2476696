import { describe, expect, it } from "vitest";
import { ALWAYS_OPEN, NYSE } from "./exchange-calendar.js";
import { barCloseTime, calendarOfVenue, MarketHours } from "./market-hours.js";

const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;
const H = 3_600_000;
const hours = new MarketHours({ AAPL: NYSE, "BTC/USDT": ALWAYS_OPEN });

describe("MarketHours", () => {
  it("equities follow the NYSE session, crypto and unlisted symbols trade around the clock", () => {
    // Wednesday 2024-01-03: 09:30–16:00 New York = 14:30–21:00 UTC.
    expect(hours.isOpen("AAPL", at("2024-01-03T14:29:59Z"))).toBe(false);
    expect(hours.isOpen("AAPL", at("2024-01-03T14:30:00Z"))).toBe(true);
    expect(hours.isOpen("AAPL", at("2024-01-03T21:00:00Z"))).toBe(false);
    expect(hours.isOpen("AAPL", at("2024-01-06T15:00:00Z"))).toBe(false); // Saturday
    expect(hours.isOpen("BTC/USDT", at("2024-01-06T03:00:00Z"))).toBe(true);
    expect(hours.isOpen("ETH/USDT", at("2024-12-25T15:00:00Z"))).toBe(true);
    expect(calendarOfVenue("alpaca")).toBe(NYSE);
    expect(calendarOfVenue("binance")).toBe(ALWAYS_OPEN);
  });

  it("says why and until when the market is closed: the weekend, a holiday, after an early close", () => {
    expect(hours.closedReason("AAPL", at("2024-01-05T21:00:00Z"))).toBe(
      "market closed (nyse) until 2024-01-08T14:30:00.000Z",
    );
    // Christmas 2024 is a holiday; Christmas Eve closes at 13:00 New York (18:00 UTC).
    expect(hours.closedReason("AAPL", at("2024-12-24T18:00:00Z"))).toBe(
      "market closed (nyse) until 2024-12-26T14:30:00.000Z",
    );
    expect(hours.closedReason("AAPL", at("2024-12-24T17:59:59Z"))).toBeUndefined();
    expect(hours.closedReason("BTC/USDT", at("2024-12-25T12:00:00Z"))).toBeUndefined();
  });

  it("an intraday bar trades when it overlaps a session; a daily bar when its day is a trading day", () => {
    expect(hours.tradableBar("AAPL", at("2024-01-03T13:00:00Z"), H)).toBe(false); // 08:00 New York
    expect(hours.tradableBar("AAPL", at("2024-01-03T14:00:00Z"), H)).toBe(true); // 09:00, holds the 09:30 open
    expect(hours.tradableBar("AAPL", at("2024-01-03T15:00:00Z"), H)).toBe(true);
    expect(hours.tradableBar("AAPL", at("2024-01-03T21:00:00Z"), H)).toBe(false); // 16:00, after the close
    expect(hours.tradableBar("AAPL", at("2024-01-03T14:00:00Z"), 15 * 60_000)).toBe(false); // 09:00–09:15
    expect(hours.tradableBar("AAPL", at("2024-01-03T05:00:00Z"), DAY)).toBe(true);
    expect(hours.tradableBar("AAPL", at("2024-01-06T05:00:00Z"), DAY)).toBe(false);
    expect(hours.tradableBar("BTC/USDT", at("2024-01-06T05:00:00Z"), H)).toBe(true);
  });
});

describe("barCloseTime", () => {
  it("a daily equity bar closes at 16:00 New York (winter and summer), 13:00 on an early close", () => {
    expect(barCloseTime(NYSE, at("2024-01-03T05:00:00Z"), DAY)).toBe(at("2024-01-03T21:00:00Z"));
    expect(barCloseTime(NYSE, at("2024-07-02T04:00:00Z"), DAY)).toBe(at("2024-07-02T20:00:00Z"));
    expect(barCloseTime(NYSE, at("2024-11-29T05:00:00Z"), DAY)).toBe(at("2024-11-29T18:00:00Z"));
  });

  it("a crypto daily bar and any intraday bar close one bar length after they open", () => {
    expect(barCloseTime(ALWAYS_OPEN, at("2024-01-03T00:00:00Z"), DAY)).toBe(at("2024-01-04T00:00:00Z"));
    expect(barCloseTime(NYSE, at("2024-01-03T15:00:00Z"), H)).toBe(at("2024-01-03T16:00:00Z"));
  });
});
