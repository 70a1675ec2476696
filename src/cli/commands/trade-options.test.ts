import { afterEach, describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load-config.js";
import { UsageError } from "../usage-error.js";
import { parseTradeOptions, type TradeCliOptions } from "./trade-options.js";

const defaults: TradeCliOptions = {
  mode: "paper",
  exchange: "sim",
  symbols: "BTC/USDT",
  timeframe: "1m",
  strategy: [],
  speed: "60",
  cash: "10000",
  warmup: "100",
  seed: "aegis",
  status: false,
};
const config = validateConfig({});
const parse = (options: Partial<TradeCliOptions>, raw: Record<string, unknown> = {}) =>
  parseTradeOptions({ ...defaults, ...options }, validateConfig(raw));

/** The UsageError message a bad command line gets (exit 2 in the CLI); fails when none is thrown. */
function refusal(options: Partial<TradeCliOptions>, raw: Record<string, unknown> = {}): string {
  try {
    parse(options, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe("parseTradeOptions", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("reads the default paper session on the embedded exchange", () => {
    const settings = parseTradeOptions(defaults, config);
    expect(settings).toMatchObject({
      mode: "paper",
      symbols: ["BTC/USDT"],
      timeframe: "1m",
      speed: 60,
      cash: 10_000,
      warmup: 100,
      maxSteps: undefined,
      apiPort: undefined,
      contracts: false,
      realAlpaca: false,
      venueOrigin: undefined,
      sessionName: "paper-sim-1m",
    });
  });

  it("names every bad value, each under the option the user wrote", () => {
    const cases: [Partial<TradeCliOptions>, RegExp][] = [
      [{ mode: "yolo" }, /--mode must be one of paper, testnet, live, got "yolo"/],
      [{ timeframe: "7m" }, /--timeframe 7m is not one of/],
      [{ symbols: " , " }, /--symbols names no symbol/],
      [{ symbols: "BTCUSDT" }, /--symbols: "BTCUSDT" is not BASE\/QUOTE/],
      [{ speed: "0" }, /--speed must be a number from 1 to 10000, got "0"/],
      [{ speed: "abc" }, /--speed must be a number from 1 to 10000, got "abc"/],
      [{ cash: "-5" }, /--cash must be a positive number, got "-5"/],
      [{ warmup: "5001" }, /--warmup must be 0..5000 bars, got "5001"/],
      [{ warmup: "1.5" }, /--warmup must be 0..5000 bars/],
      [{ steps: "0" }, /--steps must be a positive whole number, got "0"/],
      [{ apiPort: "70000" }, /--api-port must be a port number from 0 to 65535/],
      [{ venueUrl: "http://127.0.0.1:1", exchange: "binance" }, /--venue-url is for --exchange sim only/],
      [{ venueUrl: "not a url" }, /--venue-url "not a url" is not a URL/],
      [{ venueUrl: "http://example.com:80" }, /--venue-url must be http:\/\/127.0.0.1:PORT/],
      [{ mode: "testnet", exchange: "kraken" }, /--mode testnet trades on binance, binanceusdm, alpaca, sim/],
      [{ mode: "testnet", session: "a-name-far-too-long-for-an-order-id" }, /at most 24 letters/],
    ];
    for (const [options, message] of cases) expect(refusal(options), JSON.stringify(options)).toMatch(message);
  });

  it("lets live trading through only with both gates, and then only with the keys", () => {
    expect(refusal({ mode: "live", live: true })).toMatch(/got trading.live=false and --live=true/);
    expect(refusal({ mode: "live" }, { trading: { live: true } })).toMatch(/got trading.live=true and --live=false/);
    process.env.AEGIS_BINANCE_KEY = "";
    process.env.AEGIS_BINANCE_SECRET = "";
    expect(refusal({ mode: "live", live: true, exchange: "binance" }, { trading: { live: true } })).toMatch(
      /live trading on binance needs API keys: set AEGIS_BINANCE_KEY and AEGIS_BINANCE_SECRET/,
    );
    process.env.AEGIS_BINANCE_KEY = "k";
    process.env.AEGIS_BINANCE_SECRET = "s";
    const live = parse({ mode: "live", live: true, exchange: "binance" }, { trading: { live: true } });
    expect(live.mode).toBe("live");
    expect(live.sessionName).toBe("live-binance-1m");
  });

  it("trades USDⓈ-M contracts on binanceusdm testnet (Binance testnet keys), and names sessions so that order ids stay valid", () => {
    process.env.AEGIS_BINANCE_TESTNET_KEY = "k";
    process.env.AEGIS_BINANCE_TESTNET_SECRET = "s";
    const perp = parse({ mode: "testnet", exchange: "binanceusdm", timeframe: "1h" });
    expect(perp.contracts).toBe(true);
    expect(perp.sessionName).toBe("testnet-binanceusdm-1h");
    // A client order id cannot hold a comma; the local Alpaca keeps the name it had as `alpaca`.
    const multi = parse({ mode: "testnet", exchange: "sim,alpaca-sim", symbols: "BTC/USDT,AAPL" });
    expect(multi.sessionName).toBe("testnet-sim.alpaca-1m");
    expect(parse({ exchange: "alpaca-sim", symbols: "AAPL" }).sessionName).toBe("paper-alpaca-1m");
  });

  it("takes the symbols from trading.slots when the command line names none", () => {
    const settings = parseTradeOptions(
      { ...defaults, strategy: [] },
      validateConfig({
        trading: {
          slots: [
            { symbol: "ETH/USDT", strategy: "sma-cross" },
            { symbol: "SOL/USDT", strategy: "rsi" },
          ],
        },
      }),
    );
    expect(settings.symbols).toEqual(["ETH/USDT", "SOL/USDT"]);
    expect(settings.options.strategy.length).toBeGreaterThan(0);
  });

  it("reads a local simulated exchange's address as its REST and WebSocket origins", () => {
    expect(parse({ venueUrl: "http://localhost:41234/" }).venueOrigin).toEqual({
      url: "http://127.0.0.1:41234",
      wsUrl: "ws://127.0.0.1:41234",
    });
  });
});
