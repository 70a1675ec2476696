import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createCcxtExchange, rewriteApiUrls, UnknownExchangeError } from "./ccxt-exchange.js";
import { type FakeBinanceServer, startFakeBinanceServer } from "./testing/fake-binance-server.js";

describe("rewriteApiUrls", () => {
  it("replaces the origin of every http(s) URL, keeping paths, and leaves WebSocket URLs alone", () => {
    const api = {
      public: "https://api.binance.com/api/v3",
      fapiPublic: "https://fapi.binance.com/fapi/v1",
      ws: { spot: "wss://stream.binance.com:9443/ws" },
      list: ["https://api1.binance.com", "https://api2.binance.com/x"],
      cost: 1,
    };
    expect(rewriteApiUrls(api, "http://127.0.0.1:8080/")).toEqual({
      public: "http://127.0.0.1:8080/api/v3",
      fapiPublic: "http://127.0.0.1:8080/fapi/v1",
      ws: { spot: "wss://stream.binance.com:9443/ws" },
      list: ["http://127.0.0.1:8080", "http://127.0.0.1:8080/x"],
      cost: 1,
    });
  });

  it("keeps a path prefix of the base URL, as a proxy needs", () => {
    expect(rewriteApiUrls("https://api.kraken.com/0/public", "https://proxy.example/kraken/")).toBe(
      "https://proxy.example/kraken/0/public",
    );
  });

  it("does not mutate its input", () => {
    const api = { public: "https://api.binance.com/api/v3" };
    rewriteApiUrls(api, "http://127.0.0.1:1");
    expect(api.public).toBe("https://api.binance.com/api/v3");
  });

  it("rejects a base that is not an http(s) URL, naming it", () => {
    expect(() => rewriteApiUrls({}, "127.0.0.1:8080")).toThrow('apiBaseUrl "127.0.0.1:8080" is not a URL');
    expect(() => rewriteApiUrls({}, "ftp://host")).toThrow('apiBaseUrl "ftp://host" must be an http:// or https://');
    expect(() => rewriteApiUrls({}, "http://host/?a=1")).toThrow("must not have a query");
  });
});

describe("createCcxtExchange", () => {
  let server: FakeBinanceServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("names an unknown exchange id and suggests close ones", async () => {
    const error = await createCcxtExchange("binanse").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownExchangeError);
    expect((error as Error).message).toBe(
      'unknown exchange "binanse": CCXT has no exchange with that id (did you mean binance?)',
    );
    await expect(createCcxtExchange("constructor")).rejects.toThrow('unknown exchange "constructor"');
  });

  it("turns the rate limiter on and passes API keys", async () => {
    const exchange = await createCcxtExchange("kraken", { apiKey: "key", secret: "c2VjcmV0", timeoutMs: 1234 });
    expect(exchange.id).toBe("kraken");
    expect(exchange.enableRateLimit).toBe(true);
    expect(exchange.apiKey).toBe("key");
    expect(exchange.secret).toBe("c2VjcmV0");
    expect(exchange.timeout).toBe(1234);
  });

  it("points every Binance REST base (spot, sapi, fapi, dapi, eapi, papi) at apiBaseUrl", async () => {
    const exchange = await createCcxtExchange("binance", { apiBaseUrl: "http://127.0.0.1:9" });
    const api = (exchange.urls as { api: Record<string, string> }).api;
    expect(api["public"]).toBe("http://127.0.0.1:9/api/v3");
    expect(api["private"]).toBe("http://127.0.0.1:9/api/v3");
    expect(api["v1"]).toBe("http://127.0.0.1:9/api/v1");
    expect(api["sapi"]).toBe("http://127.0.0.1:9/sapi/v1");
    expect(api["fapiPublic"]).toBe("http://127.0.0.1:9/fapi/v1");
    expect(api["dapiPublic"]).toBe("http://127.0.0.1:9/dapi/v1");
    for (const url of Object.values(api)) expect(url.startsWith("http://127.0.0.1:9/")).toBe(true);
  });

  it("applies apiBaseUrl after sandbox mode, so a testnet proxy works", async () => {
    const exchange = await createCcxtExchange("binance", { sandbox: true, apiBaseUrl: "http://127.0.0.1:9" });
    const api = (exchange.urls as { api: Record<string, string> }).api;
    expect(api["public"]).toBe("http://127.0.0.1:9/api/v3");
    expect(api["sapi"]).toBeUndefined(); // Binance's testnet has no sapi, and CCXT says so
  });

  it("loads Binance markets from the override host only, through the same calls as against Binance", async () => {
    server = await startFakeBinanceServer();
    const exchange = await createCcxtExchange("binance", { apiBaseUrl: server.url });
    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(["BTC/USDT", "BTC/USDT:USDT", "ETH/USDT"]);
    const btc = markets["BTC/USDT"]!;
    expect(btc).toMatchObject({ id: "BTCUSDT", base: "BTC", quote: "USDT", spot: true, active: true });
    expect(btc.precision).toMatchObject({ price: 0.01, amount: 0.00001 });
    expect(btc.limits.cost?.min).toBe(5);
    expect(markets["BTC/USDT:USDT"]).toMatchObject({ id: "BTCUSDT", swap: true, linear: true, settle: "USDT" });
    expect(server.requests.map((r) => `${r.status} ${r.path}`).sort()).toEqual([
      "200 /api/v3/exchangeInfo",
      "200 /dapi/v1/exchangeInfo",
      "200 /fapi/v1/exchangeInfo",
    ]);
  });

  it("sends the signed calls CCXT makes with API keys to the override host too", async () => {
    server = await startFakeBinanceServer();
    const exchange = await createCcxtExchange("binance", { apiBaseUrl: server.url, apiKey: "k1", secret: "s1" });
    await exchange.loadMarkets();
    const signed = server.requests.filter((r) => r.path.startsWith("/sapi/"));
    expect(signed.map((r) => r.path).sort()).toEqual([
      "/sapi/v1/capital/config/getall",
      "/sapi/v1/margin/allPairs",
      "/sapi/v1/margin/allPairs",
      "/sapi/v1/margin/isolated/allPairs",
    ]);
    for (const request of signed) {
      expect(request.apiKey).toBe("k1");
      expect(request.query["signature"]).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("serves binanceusdm from the futures endpoints only", async () => {
    server = await startFakeBinanceServer();
    const exchange = await createCcxtExchange("binanceusdm", { apiBaseUrl: server.url });
    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets)).toEqual(["BTC/USDT:USDT"]);
    expect(server.requests.map((r) => r.path)).toEqual(["/fapi/v1/exchangeInfo"]);
  });
});

describe("the exchange modules", () => {
  it("never import CCXT at load time (only `import type` and `await import`), so the CLI starts fast", () => {
    const dir = fileURLToPath(new URL(".", import.meta.url));
    const sources = readdirSync(dir).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
    expect(sources.length).toBeGreaterThan(3);
    for (const name of sources) {
      const text = readFileSync(`${dir}${name}`, "utf8");
      const valueImports = text.match(/^import (?!type )[^;]*from "ccxt";/gm) ?? [];
      expect(valueImports, name).toEqual([]);
    }
  });
});
