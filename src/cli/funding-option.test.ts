import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../backtest/run-backtest.js";
import { loadCsv } from "../data/csv/load-csv.js";
import { type CandleSeries, sliceSeries } from "../domain/candles.js";
import { sharedDataDir } from "../indicators/testing/reference-data.js";
import { BUY, scripted } from "../risk/limits/testing/scripted.js";
import { fundingEntries, resolveFunding } from "./funding-option.js";

const perpFile = `${sharedDataDir}crypto/binance_usdm_BTCUSDT_perp_1h.csv.gz`;
const fundingFile = `${sharedDataDir}crypto/binance_usdm_BTCUSDT_funding_8h.csv.gz`;

describe.skipIf(!existsSync(perpFile) || !existsSync(fundingFile))(
  `funding on the real BTCUSDT perpetual (skipped when ${sharedDataDir} is absent)`,
  () => {
    let perp: CandleSeries;
    beforeAll(async () => {
      perp = (await loadCsv(perpFile, { symbol: "BTC/USDT:USDT" })).series;
    });

    it("charges a 0.1 BTC long held 2024-03-01 01:00 → 03-02 23:00 exactly the hand-computed funding", async () => {
      const start = perp.time.indexOf(Date.UTC(2024, 2, 1));
      const window = sliceSeries(perp, start, start + 48);
      const funding = await resolveFunding([fundingFile], [window], process.cwd());
      const result = runBacktest({
        feeds: [{ series: window, strategy: scripted({ 0: BUY }), size: { type: "fixed-base", value: 0.1 } }],
        cash: 10_000,
        fee: 0,
        ...(funding ? { funding: funding.source } : {}),
      });
      // Bought at the 01:00 open, so the 00:00 funding is not paid. The five funding times held, with the bar's open
      // and the rate as the two files have them (zcat … | grep):
      //   03-01 08:00  61485.9 × 0.00064824     03-01 16:00  61335.4 × 0.00046010
      //   03-02 00:00  62430.6 × 0.00033426     03-02 08:00  62071.9 × 0.00057174     03-02 16:00  61834.5 × 0.00056396
      const hand =
        0.1 *
        (61485.9 * 0.00064824 +
          61335.4 * 0.0004601 +
          62430.6 * 0.00033426 +
          62071.9 * 0.00057174 +
          61834.5 * 0.00056396);
      expect(hand).toBeCloseTo(15.9307, 4);
      expect(result.portfolio.fundingPaid).toBeCloseTo(hand, 9);
      expect(result.trades[0]?.funding).toBeCloseTo(hand, 9);
      expect(funding?.warnings).toEqual([]);
    });

    it("reads a relative path from the folder it is given (the config file's)", async () => {
      const window = sliceSeries(perp, 0, 48);
      const funding = await resolveFunding(["crypto/binance_usdm_BTCUSDT_funding_8h.csv.gz"], [window], sharedDataDir);
      expect(funding?.files).toEqual({ "BTC/USDT:USDT": fundingFile });
    });

    it("pays nothing without a funding file, and warns when the file does not cover the bars", async () => {
      const window = sliceSeries(perp, 0, 48);
      const result = runBacktest({
        feeds: [{ series: window, strategy: scripted({ 0: BUY }), size: { type: "fixed-base", value: 0.1 } }],
        cash: 10_000,
      });
      expect(result.portfolio.fundingPaid).toBe(0);
      const eth = `${sharedDataDir}crypto/binance_usdm_ETHUSDT_funding_8h.csv.gz`;
      const early = sliceSeries(perp, 0, 48);
      const shifted = { ...early, time: early.time.map((t) => t - 86_400_000) };
      const funding = await resolveFunding([eth], [shifted], process.cwd());
      expect(funding?.warnings[0]).toMatch(
        /^funding for BTC\/USDT:USDT covers 2023-01-01 00:00 → 2026-04-18 16:00 only/,
      );
    });
  },
);

describe("the --funding entries", () => {
  it("needs SYMBOL=FILE with several symbols and a symbol the data has", async () => {
    const series = (symbol: string) => ({ symbol }) as CandleSeries;
    await expect(resolveFunding(["f.csv"], [series("A"), series("B")], "/")).rejects.toThrow(
      "--funding: with several symbols say which one each file is for, as SYMBOL=FILE (symbols: A, B)",
    );
    await expect(resolveFunding(["C=f.csv"], [series("A")], "/")).rejects.toThrow(
      "--funding: no symbol C in the data (symbols: A)",
    );
    await expect(resolveFunding([], [series("A")], "/")).resolves.toBeUndefined();
  });

  it("reads the config's one file or symbol → file map", () => {
    expect(fundingEntries(undefined)).toEqual([]);
    expect(fundingEntries("f.csv")).toEqual(["f.csv"]);
    expect(fundingEntries({ "BTC/USDT": "b.csv", "ETH/USDT": "e.csv" })).toEqual(["BTC/USDT=b.csv", "ETH/USDT=e.csv"]);
  });
});
