import { describe, expect, test } from "vitest";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import {
  AuthenticationError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  OrderNotFoundError,
  RateLimitError,
  toVenueError,
  VenueRejectedError,
} from "./venue-errors.js";

describe("CCXT errors map onto the venue error tree", () => {
  test.each([
    ["RequestTimeout", NetworkError],
    ["NetworkError", NetworkError],
    ["BadResponse", NetworkError],
    ["DDoSProtection", RateLimitError],
    ["RateLimitExceeded", RateLimitError],
    ["ExchangeNotAvailable", ExchangeUnavailableError],
    ["OnMaintenance", ExchangeUnavailableError],
    ["AuthenticationError", AuthenticationError],
    ["PermissionDenied", AuthenticationError],
    ["InsufficientFunds", InsufficientFundsError],
    ["InvalidOrder", InvalidOrderError],
    ["BadSymbol", InvalidOrderError],
    ["OrderNotFound", OrderNotFoundError],
    ["ExchangeError", VenueRejectedError],
  ] as const)("CCXT %s maps onto its venue error", async (ccxtName, Expected) => {
    const ccxt = await loadCcxt();
    const ErrorClass = (ccxt as unknown as Record<string, new (message: string) => Error>)[ccxtName]!;
    const error = toVenueError(ccxt, new ErrorClass("binance boom"), "submit x");
    expect(error).toBeInstanceOf(Expected);
    expect(error.message).toBe("submit x: binance boom");
    expect(error.cause).toBeInstanceOf(ErrorClass);
  });

  test("Binance codes refine CCXT's generic ExchangeError (-2019 margin, -2010 balance, -2013 unknown order)", async () => {
    const ccxt = await loadCcxt();
    const generic = (body: string) => toVenueError(ccxt, new ccxt.ExchangeError(`binanceusdm ${body}`), "op");
    expect(generic('{"code":-2019,"msg":"Margin is insufficient."}')).toBeInstanceOf(InsufficientFundsError);
    expect(generic('{"code":-2010,"msg":"Account has insufficient balance for requested action."}')).toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(generic('{"code":-2010,"msg":"Duplicate order sent."}')).toBeInstanceOf(InvalidOrderError);
    expect(generic('{"code":-2013,"msg":"Order does not exist."}')).toBeInstanceOf(OrderNotFoundError);
  });

  test("a rate limit carries the Retry-After it was given; transient errors say so", async () => {
    const ccxt = await loadCcxt();
    const error = toVenueError(ccxt, new ccxt.RateLimitExceeded("slow down"), "op", 4_000);
    expect(error).toMatchObject({ retryAfterMs: 4_000, transient: true });
    expect(toVenueError(ccxt, new ccxt.InvalidOrder("no"), "op").transient).toBe(false);
  });

  test("a raw socket error from outside CCXT is a NetworkError", async () => {
    const ccxt = await loadCcxt();
    expect(toVenueError(ccxt, new Error("read ECONNRESET"), "op")).toBeInstanceOf(NetworkError);
  });
});
