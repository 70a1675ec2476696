import { describe, expect, it } from "vitest";
import { loadCcxt } from "./ccxt-exchange.js";
import { isCcxtNetworkError, loadCcxtErrors, loadExchangeClass } from "./ccxt-parts.js";

describe("CCXT's parts", () => {
  it("loads one exchange's class from its own file: the very class the whole module exports", async () => {
    const ccxt = await loadCcxt();
    const pro = ccxt.pro as unknown as Record<string, unknown>;
    const rest = ccxt.exchanges as unknown as Record<string, unknown>;
    for (const id of ["binance", "binanceusdm", "kraken"]) {
      expect(await loadExchangeClass(id, true), `pro ${id}`).toBe(pro[id]);
      expect(await loadExchangeClass(id, false), id).toBe(rest[id]);
    }
  });

  it("has no class for an id CCXT does not have, nor for a path or a name that only looks like one", async () => {
    for (const id of ["nope", "../../package", "base/errors", "BINANCE", "constructor", "pro", ""])
      expect(await loadExchangeClass(id, true), id).toBeUndefined();
  });

  it("loads the error classes on their own, the same classes the exchanges throw", async () => {
    const ccxt = await loadCcxt();
    const errors = await loadCcxtErrors();
    expect(errors.NetworkError).toBe(ccxt.NetworkError);
    expect(errors.RateLimitExceeded).toBe(ccxt.RateLimitExceeded);
    expect(new ccxt.RequestTimeout("slow")).toBeInstanceOf(errors.NetworkError);
  });

  it("tells a CCXT network error (and its subclasses) from every other error without loading CCXT", async () => {
    const ccxt = await loadCcxt();
    expect(isCcxtNetworkError(new ccxt.NetworkError("down"))).toBe(true);
    expect(isCcxtNetworkError(new ccxt.RequestTimeout("slow"))).toBe(true);
    expect(isCcxtNetworkError(new ccxt.DDoSProtection("busy"))).toBe(true);
    expect(isCcxtNetworkError(new ccxt.ExchangeError("no"))).toBe(false);
    expect(isCcxtNetworkError(new ccxt.InsufficientFunds("poor"))).toBe(false);
    const impostor = new Error("named so");
    impostor.name = "NetworkError";
    expect(isCcxtNetworkError(impostor)).toBe(false);
    expect(isCcxtNetworkError({ name: "NetworkError" })).toBe(false);
    expect(isCcxtNetworkError(undefined)).toBe(false);
  });
});
