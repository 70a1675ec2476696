import { describe, expect, it } from "vitest";
import { sharedDataDir, sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { DataError } from "../data-error.js";
import { loadFundingRates, parseFundingRates } from "./funding-rates.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

describe("parseFundingRates", () => {
  const text = `timestamp,funding_rate\n${T0},0.00010000\n${T0 + 8 * H},-0.00002500\n${T0 + 16 * H},0.00030000\n`;

  it("knows a rate from its settlement on, never before", () => {
    const funding = parseFundingRates(text, "btc_funding.csv");
    expect(funding.symbol).toBe("btc_funding");
    expect(funding.intervalMs).toBe(8 * H);
    expect(funding.rateAt(T0 - 1)).toBeUndefined();
    expect(funding.rateAt(T0)).toEqual({ time: T0, rate: 0.0001 });
    expect(funding.rateAt(T0 + 8 * H - 1)).toEqual({ time: T0, rate: 0.0001 });
    expect(funding.rateAt(T0 + 8 * H)).toEqual({ time: T0 + 8 * H, rate: -0.000025 });
  });

  it("lists the settlements in (after, through]: the payments due while a position was held", () => {
    const funding = parseFundingRates(text, "f.csv");
    expect(funding.between(T0, T0 + 16 * H).map((s) => s.rate)).toEqual([-0.000025, 0.0003]);
    expect(funding.between(T0 + 1, T0 + 8 * H - 1)).toEqual([]);
  });

  it("reads Binance's archive layout (fundingTime, fundingIntervalHours, fundingRate)", () => {
    const archive = `fundingTime,fundingIntervalHours,fundingRate\n${T0 + 3},8,0.00010000\n${T0 + 8 * H + 5},8,0.00012000\n`;
    expect(Array.from(parseFundingRates(archive, "a.csv").rate)).toEqual([0.0001, 0.00012]);
  });

  it("refuses a rate in percent or beyond any exchange cap, and disorder, naming file and line", () => {
    const percent = `timestamp,funding_rate\n${T0},0.01\n${T0 + 8 * H},0.1\n`;
    const error = (() => {
      try {
        parseFundingRates(percent, "pct.csv");
      } catch (caught) {
        return caught as DataError;
      }
      throw new Error("expected a DataError");
    })();
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain("pct.csv line 3: funding_rate 0.1: not a plausible funding rate (|rate| > 0.05");
    expect(() => parseFundingRates(`timestamp,rate\n${T0 + 8 * H},0.0001\n${T0},0.0001\n`, "u.csv")).toThrow(
      /u.csv line 3: timestamp .* is before the previous row's/,
    );
    expect(() => parseFundingRates("timestamp,close\n1,2\n", "ohlc.csv")).toThrow(
      /header has no column for funding_rate\|fundingrate\|rate/,
    );
  });
});

const btc = `${sharedDataDir}crypto/binance_usdm_BTCUSDT_funding_8h.csv.gz`;
const eth = `${sharedDataDir}crypto/binance_usdm_ETHUSDT_funding_8h.csv.gz`;
describe.skipIf(!sharedDataPresent([btc, eth]))(`real Binance funding history (needs ${sharedDataDir})`, () => {
  it("loads BTCUSDT: 7,550 settlements every 8 h, 2019-09-10 08:00 to 2026-07-31 16:00, capped at ±0.3 %", async () => {
    const funding = await loadFundingRates(btc, { symbol: "BTC/USDT:USDT" });
    expect(funding.length).toBe(7_550);
    expect(funding.intervalMs).toBe(8 * H);
    expect(funding.time[0]).toBe(1_568_102_400_000);
    expect(funding.time[funding.length - 1]).toBe(1_785_513_600_000);
    expect(Math.min(...funding.rate)).toBe(-0.003);
    expect(Math.max(...funding.rate)).toBe(0.003);
    expect(funding.rateAt(Date.UTC(2020, 2, 13, 8))?.rate).toBe(-0.003);
  });

  it("loads ETHUSDT: 3,612 settlements from 2023-01-01", async () => {
    const funding = await loadFundingRates(eth);
    expect(funding.length).toBe(3_612);
    expect(funding.time[0]).toBe(Date.UTC(2023, 0, 1));
    expect(funding.rateAt(Date.UTC(2024, 2, 5, 8))?.rate).toBe(0.00101724);
  });
});
