import { describe, expect, it } from "vitest";
import { isMultiMarket, openMultiMarket, splitSymbols } from "./trade-markets.js";

const base = { timeframe: "1h" as const, speed: 60, seed: "1", warmup: 20, resumeAfter: undefined };

describe("aegis trade markets (alpaca, sim + alpaca)", () => {
  it("tells crypto pairs from stock tickers and refuses anything else by name", () => {
    expect(isMultiMarket("sim,alpaca-sim")).toBe(true);
    expect(isMultiMarket("alpaca")).toBe(true);
    expect(isMultiMarket("sim")).toBe(false);
    expect(splitSymbols(["BTC/USDT", "AAPL", "BRK.B"])).toEqual({ crypto: ["BTC/USDT"], stocks: ["AAPL", "BRK.B"] });
    expect(() => splitSymbols(["aapl?"])).toThrowError(/"aapl\?" is neither BASE\/QUOTE \(crypto\) nor a stock ticker/);
  });

  it("refuses crypto without the simulated exchange, no stocks at all, and an unknown venue, before starting anything", async () => {
    await expect(openMultiMarket({ ...base, exchange: "alpaca-sim", symbols: ["BTC/USDT", "AAPL"] })).rejects.toThrow(
      /crypto pairs need --exchange sim,alpaca-sim/,
    );
    await expect(openMultiMarket({ ...base, exchange: "sim,alpaca-sim", symbols: ["BTC/USDT"] })).rejects.toThrow(
      /needs stock tickers/,
    );
    await expect(openMultiMarket({ ...base, exchange: "kraken,alpaca-sim", symbols: ["AAPL"] })).rejects.toThrow(
      /the local venues are "alpaca-sim" or "sim,alpaca-sim"/,
    );
    // Alpaca's own API does not mix with the local exchange's accelerated market time.
    await expect(openMultiMarket({ ...base, exchange: "sim,alpaca", symbols: ["AAPL"] })).rejects.toThrow(
      /Alpaca's own API is "alpaca", alone/,
    );
  });

  it("opens both local venues on one clock: equities whole shares unless fractionable, no minimum notional", async () => {
    const markets = await openMultiMarket({
      ...base,
      exchange: "sim,alpaca-sim",
      symbols: ["BTC/USDT", "AAPL", "GLD"],
    });
    try {
      expect(markets.marketOf).toEqual({ "BTC/USDT": "crypto", AAPL: "equities", GLD: "equities" });
      expect(markets.instruments.get("GLD")).toMatchObject({ lotSize: 1, minQuantity: 1, minNotional: 0, takerFee: 0 });
      expect(markets.instruments.get("AAPL")).toMatchObject({ lotSize: 1e-9, minNotional: 0 });
      expect(markets.instruments.get("BTC/USDT")?.minNotional).toBeGreaterThan(0);
      expect(markets.hours.calendarOf("GLD").name).toBe("nyse");
      expect(markets.hours.calendarOf("BTC/USDT").name).toBe("24/7");
      const bars = await markets.feed.history("GLD", markets.clock.now() - 30 * 86_400_000, 50);
      expect(bars.length).toBeGreaterThan(20);
      expect(bars.every((b) => markets.hours.tradableBar("GLD", b.time, 3_600_000))).toBe(true);
      expect((await markets.feed.history("BTC/USDT", markets.clock.now() - 10 * 3_600_000, 5)).length).toBe(5);
    } finally {
      await markets.close();
    }
  });

  it("testnet mode routes each order to the venue of its symbol: AAPL to the local Alpaca, BTC/USDT to the simulated Binance", async () => {
    const markets = await openMultiMarket({ ...base, exchange: "sim,alpaca-sim", symbols: ["BTC/USDT", "AAPL"] });
    const client = await markets.venueClient();
    try {
      expect(client.exchangeId).toBe("alpaca+binance");
      const stock = await client.submit({
        clientOrderId: "r-1",
        symbol: "AAPL",
        side: "buy",
        type: "market",
        quantity: 2,
      });
      const coin = await client.submit({
        clientOrderId: "r-2",
        symbol: "BTC/USDT",
        side: "buy",
        type: "market",
        quantity: 0.01,
      });
      expect(stock.order).toMatchObject({ symbol: "AAPL", clientOrderId: "r-1" });
      expect(coin.order).toMatchObject({ symbol: "BTC/USDT", clientOrderId: "r-2", status: "filled" });
      expect((await client.fetchOrderByClientId("r-1", "AAPL")).quantity).toBe(2);
      const assets = (await client.fetchBalances()).map((b) => b.asset);
      expect(assets).toEqual(expect.arrayContaining(["USD", "USDT", "BTC"]));
      await expect(client.fetchOrderByClientId("r-9", "ETH/USDT")).rejects.toThrow(/no venue trades ETH\/USDT/);
    } finally {
      await client.close();
      await markets.close();
    }
  });
});
