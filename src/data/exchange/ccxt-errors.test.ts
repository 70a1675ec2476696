import type { Exchange } from "ccxt";
import { describe, expect, it } from "vitest";
import { classifyCcxtError, isCcxtError } from "./ccxt-errors.js";
import { loadCcxt } from "./ccxt-exchange.js";

const NOW = Date.UTC(2024, 0, 1);

/** Only the field the classifier reads. */
function exchangeWithHeaders(headers: Record<string, string> | undefined): Exchange {
  return { last_response_headers: headers } as unknown as Exchange;
}

describe("classifyCcxtError", () => {
  it("retries rate limits after the Retry-After of the failed response", async () => {
    const ccxt = await loadCcxt();
    const exchange = exchangeWithHeaders({ "Retry-After": "3", "Content-Type": "application/json" });
    expect(classifyCcxtError(ccxt, exchange, new ccxt.DDoSProtection("binance 429"), NOW)).toEqual({
      retry: true,
      kind: "rate-limit",
      retryAfterMs: 3000,
    });
    expect(classifyCcxtError(ccxt, exchangeWithHeaders(undefined), new ccxt.RateLimitExceeded("x"), NOW)).toEqual({
      retry: true,
      kind: "rate-limit",
    });
  });

  it("retries network trouble, timeouts, outages and maintenance", async () => {
    const ccxt = await loadCcxt();
    const exchange = exchangeWithHeaders({});
    for (const error of [
      new ccxt.NetworkError("x"),
      new ccxt.RequestTimeout("x"),
      new ccxt.ExchangeNotAvailable("x"),
      new ccxt.OnMaintenance("x"),
      new ccxt.BadResponse("x"),
    ]) {
      expect(classifyCcxtError(ccxt, exchange, error, NOW), error.name).toEqual({ retry: true, kind: "transient" });
    }
  });

  it("treats exchange errors and non-CCXT errors as final", async () => {
    const ccxt = await loadCcxt();
    const exchange = exchangeWithHeaders({ "Retry-After": "3" });
    for (const error of [
      new ccxt.BadSymbol("x"),
      new ccxt.AuthenticationError("x"),
      new ccxt.ExchangeError("x"),
      new TypeError("x"),
    ]) {
      expect(classifyCcxtError(ccxt, exchange, error, NOW), error.name).toEqual({ retry: false });
    }
  });
});

describe("isCcxtError", () => {
  it("recognises CCXT's errors only", async () => {
    const ccxt = await loadCcxt();
    expect(isCcxtError(ccxt, new ccxt.BadSymbol("x"))).toBe(true);
    expect(isCcxtError(ccxt, new Error("x"))).toBe(false);
  });
});
