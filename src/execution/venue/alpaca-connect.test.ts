import type { Exchange } from "ccxt";
import { describe, expect, it } from "vitest";
import { AlpacaBaseUrlError, alpacaBaseUrl, alpacaExchange } from "./alpaca-connect.js";
import { VenueCredentials } from "./venue-credentials.js";

const credentials = new VenueCredentials("PKFAKE", "s3cr3t-FAKE", "ALPACA_API_KEY");
/** The URLs CCXT will call ({hostname} filled in as it does per request). */
const api = (exchange: Exchange) => {
  const urls = (exchange.urls as { api: Record<string, string> }).api;
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, exchange.implodeHostname(v)]));
};

describe("connecting to Alpaca's own API", () => {
  it("testnet trades on the paper API, live on the live API, both with market data from data.alpaca.markets", async () => {
    const paper = await alpacaExchange({ credentials, mode: "testnet" });
    expect(api(paper).trader).toBe("https://paper-api.alpaca.markets");
    expect(api(paper).market).toBe("https://data.alpaca.markets");
    const live = await alpacaExchange({ credentials, mode: "live" });
    expect(api(live).trader).toBe("https://api.alpaca.markets");
    expect(paper.apiKey).toBe("PKFAKE");
  });

  it("ALPACA_BASE_URL sends trading and data to one origin; only https, or http on 127.0.0.1", async () => {
    const local = await alpacaExchange({ credentials, mode: "testnet", baseUrl: "http://127.0.0.1:4321" });
    expect(api(local).trader).toBe("http://127.0.0.1:4321");
    expect(api(local).market).toBe("http://127.0.0.1:4321");
    expect(alpacaBaseUrl({})).toBeUndefined();
    expect(alpacaBaseUrl({ ALPACA_BASE_URL: "http://127.0.0.1:4321/" })).toBe("http://127.0.0.1:4321");
    expect(alpacaBaseUrl({ ALPACA_BASE_URL: "https://paper-api.alpaca.markets" })).toBe(
      "https://paper-api.alpaca.markets",
    );
    for (const bad of ["http://paper-api.alpaca.markets", "not a url", "https://x.example/v2"])
      expect(() => alpacaBaseUrl({ ALPACA_BASE_URL: bad })).toThrow(AlpacaBaseUrlError);
  });
});
