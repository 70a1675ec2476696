/**
 * `--exchange alpaca`: US stocks and ETFs on Alpaca's own API, through the same CCXT `alpaca` client, feed and
 * AlpacaVenueClient as the local Alpaca (`--exchange alpaca-sim`). Testnet is Alpaca's paper account
 * (https://paper-api.alpaca.markets, keys ALPACA_API_KEY / ALPACA_API_SECRET), live the live account
 * (ALPACA_LIVE_API_KEY / ALPACA_LIVE_API_SECRET); paper mode takes the paper account's market data and fills on the
 * simulated broker. ALPACA_BASE_URL points all of it at another origin (the local Alpaca in the tests).
 */
import { NYSE } from "../../data/calendar/exchange-calendar.js";
import { barCloseTime, MarketHours } from "../../data/calendar/market-hours.js";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import { withAlpacaStockBars } from "../../data/feed/alpaca-stock-bars.js";
import { CcxtFeed } from "../../data/feed/ccxt-feed.js";
import { OrderBookCache } from "../../data/feed/order-book-cache.js";
import { systemClock } from "../../domain/clock.js";
import type { Instrument } from "../../domain/instrument.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { equityInstrument } from "../../execution/equity-instrument.js";
import { AlpacaBaseUrlError, alpacaBaseUrl, connectAlpaca } from "../../execution/venue/alpaca-connect.js";
import { AlpacaVenueClient } from "../../execution/venue/alpaca-venue-client.js";
import { credentialsFromEnvironment, MissingCredentialsError } from "../../execution/venue/venue-credentials.js";
import { UsageError } from "../usage-error.js";
import { type MultiMarket, splitSymbols } from "./trade-markets.js";

const STOCK_TIMEFRAMES: ReadonlySet<string> = new Set(["1m", "5m", "15m", "30m", "1h", "4h", "1d"]);

/** Checks keys, base URL, symbols and timeframe before anything is opened; each problem is a UsageError (exit 2). */
export function alpacaSettings(
  mode: "paper" | "testnet" | "live",
  symbols: readonly string[],
  timeframe: Timeframe,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const { crypto } = splitSymbols(symbols);
  if (crypto.length > 0)
    throw new UsageError(
      `--exchange alpaca trades stock tickers (AAPL,SPY); crypto pairs (${crypto.join(",")}) run on --exchange sim,alpaca-sim`,
    );
  if (!STOCK_TIMEFRAMES.has(timeframe))
    throw new UsageError(`--exchange alpaca: --timeframe ${timeframe} is not served by Alpaca's stock bars`);
  const account: "testnet" | "live" = mode === "live" ? "live" : "testnet";
  try {
    return { credentials: credentialsFromEnvironment("alpaca", account, env), account, baseUrl: alpacaBaseUrl(env) };
  } catch (error) {
    if (error instanceof MissingCredentialsError || error instanceof AlpacaBaseUrlError)
      throw new UsageError(error.message);
    throw error;
  }
}

export async function openAlpaca(options: {
  readonly mode: "paper" | "testnet" | "live";
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<MultiMarket> {
  const { credentials, account, baseUrl } = alpacaSettings(
    options.mode,
    options.symbols,
    options.timeframe,
    options.env,
  );
  const where = baseUrl ?? (account === "live" ? "https://api.alpaca.markets" : "https://paper-api.alpaca.markets");
  const connect = async () => {
    try {
      return await connectAlpaca({ credentials, mode: account, ...(baseUrl !== undefined ? { baseUrl } : {}) });
    } catch (error) {
      // CCXT's message can quote the request; it never holds the secret, which travels in a header only.
      throw new Error(`Alpaca at ${where} (keys from ${credentials.source}): ${(error as Error).message}`);
    }
  };
  const exchange = await connect();
  const instruments = new Map<string, Instrument>();
  for (const s of options.symbols) {
    const market = exchange.markets?.[`${s}/USD`];
    if (!market) throw new UsageError(`Alpaca at ${where} does not list ${s}`);
    instruments.set(s, equityInstrument(s, market));
  }
  const barMs = TIMEFRAMES[options.timeframe];
  return {
    clock: systemClock,
    feed: new CcxtFeed({
      exchange: withAlpacaStockBars(exchange),
      timeframe: options.timeframe,
      clock: systemClock,
      // Alpaca publishes a minute bar a few seconds after it closed.
      settleMs: 5_000,
      // A daily stock bar closes with its session (16:00 New York, 13:00 on early closes), not at midnight.
      barClose: (time) => barCloseTime(NYSE, time, barMs),
    }),
    instruments,
    hours: new MarketHours(Object.fromEntries(options.symbols.map((s) => [s, NYSE]))),
    marketOf: Object.fromEntries(options.symbols.map((s) => [s, "equities"])),
    books: new OrderBookCache(systemClock),
    description: `Alpaca ${account === "live" ? "live" : "paper"} API (${where}, NYSE hours)`,
    // Orders go through a client of their own: the feed's polling and the order poll do not share a rate limiter.
    venueClient: async () => new AlpacaVenueClient({ ccxt: await loadCcxt(), exchange: await connect() }),
    close: async () => {},
  };
}
