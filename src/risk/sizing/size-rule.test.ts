import { describe, expect, it } from "vitest";
import { currenciesOf, parseSize, quantityFor } from "./size-rule.js";

describe("parseSize", () => {
  it("reads a bare number as base-asset units", () => {
    expect(parseSize("1")).toEqual({ type: "fixed-base", value: 1 });
    expect(parseSize("0.25")).toEqual({ type: "fixed-base", value: 0.25 });
  });
  it("reads a number with a currency as a quote amount", () => {
    expect(parseSize("1000USDT")).toEqual({ type: "fixed-quote", value: 1000 });
  });
  it("reads a percentage as a share of equity", () => {
    expect(parseSize("10%")).toEqual({ type: "percent-equity", value: 10 });
  });
  it("rejects nonsense naming the value", () => {
    expect(() => parseSize("ten")).toThrowError(/invalid --size "ten"/);
    expect(() => parseSize("0%")).toThrowError(/percentage/);
    expect(() => parseSize("-5")).toThrowError(/invalid --size/);
  });
});

describe("parseSize with a market's currencies", () => {
  const btcUsdt = { base: "BTC", quote: "USDT" };
  it("reads the base currency as base units and the quote currency as a quote amount", () => {
    expect(parseSize("2BTC", btcUsdt)).toEqual({ type: "fixed-base", value: 2 });
    expect(parseSize("1000usdt", btcUsdt)).toEqual({ type: "fixed-quote", value: 1000 });
    expect(parseSize("3 base", btcUsdt)).toEqual({ type: "fixed-base", value: 3 });
  });
  it("refuses a currency that is neither, naming both", () => {
    expect(() => parseSize("1000EUR", btcUsdt)).toThrowError(/EUR is neither the base \(BTC\) nor the quote \(USDT\)/);
    expect(() => parseSize("2ETH", btcUsdt)).toThrowError(/--size 2ETH/);
  });
  it("finds the currencies of a slashed symbol, a CSV file name and an equity", () => {
    expect(currenciesOf("BTC/USDT:USDT")).toEqual(btcUsdt);
    expect(currenciesOf("binance_spot_BTCUSDT_1h")).toEqual(btcUsdt);
    expect(currenciesOf("binance_spot_ETHBTC_1h")).toEqual({ base: "ETH", quote: "BTC" });
    expect(currenciesOf("yahoo_AAPL_1d")).toEqual({ base: "yahoo_AAPL_1d", quote: "USD" });
  });
});

describe("quantityFor", () => {
  it("buys a share of equity net of the fee, so 100 % is affordable", () => {
    const q = quantityFor({ type: "percent-equity", value: 100 }, 100, 10_000, 0.001);
    expect(q * 100 * 1.001).toBeCloseTo(10_000, 8);
  });
  it("converts a quote amount at the price", () => {
    expect(quantityFor({ type: "fixed-quote", value: 1000 }, 50, 10_000, 0.001)).toBe(20);
  });
  it("returns the fixed base quantity whatever the price", () => {
    expect(quantityFor({ type: "fixed-base", value: 2 }, 50, 10_000, 0.001)).toBe(2);
  });
});
