import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { assertVenueCapabilities, VenueCapabilityError } from "./venue-capabilities.js";
import { credentialsFromEnvironment, credentialsPrefix, MissingCredentialsError } from "./venue-credentials.js";

const FAKE_SECRET = "s3cr3t-FAKE-9f8e7d6c5b4a";

describe("venue credentials from the environment", () => {
  test("testnet and live keys are separate variables; binanceusdm uses the BINANCE ones", () => {
    expect(credentialsPrefix("binanceusdm", "testnet")).toBe("AEGIS_BINANCE_TESTNET");
    expect(credentialsPrefix("binance", "live")).toBe("AEGIS_BINANCE");
    expect(credentialsPrefix("alpaca", "testnet")).toBe("ALPACA_API");
    expect(credentialsPrefix("alpaca", "live")).toBe("ALPACA_LIVE_API");
    expect(credentialsPrefix("kraken", "live")).toBe("AEGIS_KRAKEN");
    const env = {
      AEGIS_BINANCE_KEY: "live-key",
      AEGIS_BINANCE_SECRET: "live-secret",
      AEGIS_BINANCE_TESTNET_KEY: "test-key",
      AEGIS_BINANCE_TESTNET_SECRET: FAKE_SECRET,
    };
    expect(credentialsFromEnvironment("binance", "live", env).apiKey).toBe("live-key");
    const testnet = credentialsFromEnvironment("binanceusdm", "testnet", env);
    expect(testnet.apiKey).toBe("test-key");
    expect(testnet.revealSecret()).toBe(FAKE_SECRET);
  });

  test("a missing key names the variables to set, never a value", () => {
    const error = (() => {
      try {
        credentialsFromEnvironment("binance", "live", {
          AEGIS_BINANCE_TESTNET_KEY: "k",
          AEGIS_BINANCE_TESTNET_SECRET: FAKE_SECRET,
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(String(error)).toContain("AEGIS_BINANCE_KEY and AEGIS_BINANCE_SECRET");
    expect(String(error)).not.toContain(FAKE_SECRET);
  });

  test("the secret never shows in JSON, string or inspected forms", () => {
    const credentials = credentialsFromEnvironment("binance", "testnet", {
      AEGIS_BINANCE_TESTNET_KEY: "abcdefgh",
      AEGIS_BINANCE_TESTNET_SECRET: FAKE_SECRET,
    });
    for (const text of [
      JSON.stringify(credentials),
      String(credentials),
      inspect(credentials),
      inspect({ credentials }),
    ]) {
      expect(text).not.toContain(FAKE_SECRET);
      expect(text).not.toContain("abcdefgh");
    }
  });
});

describe("venue capability check", () => {
  test("refuses an exchange lacking what the bot needs, naming every missing capability", () => {
    const exchange = {
      id: "tinyex",
      has: { createOrder: true, cancelOrder: true, fetchBalance: true, fetchOrder: false },
    };
    expect(() => assertVenueCapabilities(exchange as never, true)).toThrow(VenueCapabilityError);
    expect(() => assertVenueCapabilities(exchange as never, true)).toThrow(
      'exchange "tinyex" cannot be traded by Aegis: CCXT reports no support for fetchOrder, fetchOpenOrders, watchOrders, fetchPositions',
    );
  });

  test("accepts emulated capabilities", () => {
    const has = {
      createOrder: true,
      cancelOrder: true,
      fetchOrder: "emulated",
      fetchOpenOrders: true,
      fetchBalance: true,
      watchOrders: true,
    };
    expect(() => assertVenueCapabilities({ id: "x", has } as never, false)).not.toThrow();
  });
});
