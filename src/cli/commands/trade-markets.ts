/**
 * The local markets of `aegis trade` beyond one crypto venue: `--exchange alpaca-sim` (US stocks and ETFs through
 * CCXT's alpaca, on the local Alpaca server) and `--exchange sim,alpaca-sim` (crypto on the simulated Binance and
 * equities on the local Alpaca in one process, one portfolio). Alpaca's own API is `--exchange alpaca`
 * (trade-alpaca.ts). Symbols with a quote (BTC/USDT) go to the crypto
 * venue, bare tickers (AAPL) to Alpaca. Both local venues run on one market clock, so a mixed session sees one time.
 */
import type { Exchange } from "ccxt";
import { type ExchangeCalendar, NYSE } from "../../data/calendar/exchange-calendar.js";
import { barCloseTime, MarketHours } from "../../data/calendar/market-hours.js";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import { withAlpacaStockBars } from "../../data/feed/alpaca-stock-bars.js";
import { CcxtFeed } from "../../data/feed/ccxt-feed.js";
import { CompositeFeed } from "../../data/feed/composite-feed.js";
import type { MarketFeed } from "../../data/feed/market-feed.js";
import { feedWithBookCache, OrderBookCache } from "../../data/feed/order-book-cache.js";
import { type Clock, systemClock } from "../../domain/clock.js";
import { defaultInstrument, type Instrument } from "../../domain/instrument.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { alpacaSimClient } from "../../execution/alpaca-sim/alpaca-client.js";
import { type AlpacaSim, startAlpacaSim } from "../../execution/alpaca-sim/alpaca-sim.js";
import { equityInstrument } from "../../execution/equity-instrument.js";
import { type SimExchange, startSimExchange } from "../../execution/sim-exchange/index.js";
import { AlpacaVenueClient } from "../../execution/venue/alpaca-venue-client.js";
import { connectCcxt } from "../../execution/venue/ccxt-connect.js";
import { createVenueClient } from "../../execution/venue/create-venue-client.js";
import { RoutingVenueClient, type VenueRoute } from "../../execution/venue/routing-venue-client.js";
import type { VenueClient } from "../../execution/venue/venue-client.js";
import { UsageError } from "../usage-error.js";

/** Tuesday 2024-01-02, 09:00 New York: the local markets start half an hour before an NYSE open. */
export const LOCAL_MARKET_START = Date.UTC(2024, 0, 2, 14, 0);
const START_PRICES: Readonly<Record<string, number>> = { BTC: 30_000, ETH: 2_000, SOL: 100, BNB: 300 };
const STOCK_PRICES: Readonly<Record<string, number>> = { AAPL: 185, SPY: 470, QQQ: 400, GLD: 190, TLT: 98 };
/** Stocks the local Alpaca lets trade in fractions (as Alpaca does for most large caps); others whole shares. */
const FRACTIONABLE: ReadonlySet<string> = new Set(["AAPL", "SPY", "QQQ"]);

export interface MultiMarket {
  readonly clock: Clock;
  readonly feed: MarketFeed;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly hours: MarketHours;
  /** Symbol → its market ("crypto" or "equities"), for the combined status. */
  readonly marketOf: Readonly<Record<string, string>>;
  readonly books: OrderBookCache;
  readonly description: string;
  /**
   * The venue client of testnet mode: stocks go to the local Alpaca through AlpacaVenueClient, crypto to the
   * simulated Binance through the CCXT venue client, each order to the venue of its symbol. Closed by its caller.
   */
  venueClient(): Promise<VenueClient>;
  close(): Promise<void>;
}

/** The local Alpaca's name in `--exchange` (Alpaca's own API is `alpaca`). */
export const LOCAL_ALPACA = "alpaca-sim";

/** True when `--exchange` names an Alpaca (stocks), alone or with a crypto venue. */
export function isMultiMarket(exchange: string): boolean {
  return exchange.split(",").some((e) => e.trim() === "alpaca" || e.trim() === LOCAL_ALPACA);
}

/** Splits `--symbols` into crypto pairs and stock tickers, with a plain error for anything else. */
export function splitSymbols(symbols: readonly string[]): { crypto: string[]; stocks: string[] } {
  const crypto: string[] = [];
  const stocks: string[] = [];
  for (const s of symbols) {
    if (/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s)) crypto.push(s);
    else if (/^[A-Z][A-Z.]{0,9}$/.test(s)) stocks.push(s);
    else throw new UsageError(`--symbols: "${s}" is neither BASE/QUOTE (crypto) nor a stock ticker (AAPL)`);
  }
  return { crypto, stocks };
}

export async function openMultiMarket(options: {
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly speed: number;
  readonly seed: string;
  readonly warmup: number;
  readonly resumeAfter: number | undefined;
}): Promise<MultiMarket> {
  const venues = options.exchange.split(",").map((e) => e.trim());
  const unknown = venues.filter((v) => v !== "sim" && v !== LOCAL_ALPACA);
  if (unknown.length > 0 || venues.length > 2)
    throw new UsageError(
      `--exchange: the local venues are "${LOCAL_ALPACA}" or "sim,${LOCAL_ALPACA}"; Alpaca's own API is "alpaca", alone; got "${options.exchange}"`,
    );
  const { crypto, stocks } = splitSymbols(options.symbols);
  if (stocks.length === 0)
    throw new UsageError(`--exchange ${LOCAL_ALPACA} needs stock tickers in --symbols (e.g. AAPL,SPY)`);
  if (crypto.length > 0 && !venues.includes("sim"))
    throw new UsageError(`--symbols ${crypto.join(",")}: crypto pairs need --exchange sim,${LOCAL_ALPACA}`);
  if (!(options.timeframe in { "1m": 1, "5m": 1, "15m": 1, "30m": 1, "1h": 1, "4h": 1, "1d": 1 }))
    throw new UsageError(
      `--exchange ${LOCAL_ALPACA}: --timeframe ${options.timeframe} is not served by Alpaca's stock bars`,
    );
  const barMs = TIMEFRAMES[options.timeframe];
  // Market time starts at an NYSE open (or where a resumed session stopped) and runs `speed` times the wall clock.
  const start = Math.max(LOCAL_MARKET_START, options.resumeAfter ?? 0);
  const warmMinutes = (options.warmup + 10) * (barMs / 60_000);
  let sim: SimExchange | undefined;
  let clock: Clock;
  if (crypto.length > 0) {
    const historyBars = Math.max(1000, warmMinutes);
    sim = await startSimExchange({
      markets: [...new Set(crypto.map((s) => s.split("/")[0] as string))].map((base) => ({
        base,
        quote: (crypto.find((s) => s.startsWith(`${base}/`)) as string).split("/")[1] as string,
        startPrice: START_PRICES[base] ?? 100,
      })),
      seed: options.seed,
      clock: "realtime",
      speed: options.speed,
      startTime: start - historyBars * 60_000,
      historyBars,
      bars: historyBars + 43_200,
    });
    const market = sim;
    clock = { now: () => market.now(), setTimer: (ms, cb) => systemClock.setTimer(ms / options.speed, cb) };
  } else {
    const wallStart = Date.now();
    clock = {
      now: () => start + (Date.now() - wallStart) * options.speed,
      setTimer: (ms, cb) => systemClock.setTimer(ms / options.speed, cb),
    };
  }
  let alpaca: AlpacaSim | undefined;
  try {
    // Enough sessions behind the start for the warm-up (a session holds 6.5 h of bars), and a year ahead.
    const warmDays = Math.ceil((warmMinutes / 390) * 1.5) + 10;
    alpaca = await startAlpacaSim({
      now: () => clock.now(),
      stocks: stocks.map((symbol) => ({
        symbol,
        startPrice: STOCK_PRICES[symbol] ?? 100,
        fractionable: FRACTIONABLE.has(symbol),
      })),
      seed: options.seed,
      startTime: start - warmDays * 86_400_000,
      days: warmDays + 260,
    });
    const stockClient = await alpacaSimClient(alpaca.url);
    const instruments = new Map<string, Instrument>();
    for (const s of stocks) instruments.set(s, equityInstrument(s, stockClient.markets?.[`${s}/USD`]));
    const books = new OrderBookCache(clock);
    const parts: { symbols: string[]; feed: MarketFeed }[] = [
      {
        symbols: stocks,
        feed: new CcxtFeed({
          exchange: withAlpacaStockBars(stockClient),
          timeframe: options.timeframe,
          clock,
          settleMs: 0,
          // A daily stock bar closes with its session (16:00 New York, 13:00 on early closes), not at midnight.
          barClose: (time) => barCloseTime(NYSE, time, barMs),
        }),
      },
    ];
    const calendars: Record<string, ExchangeCalendar> = Object.fromEntries(stocks.map((s) => [s, NYSE]));
    if (sim) {
      const cryptoClient: Exchange = await connectCcxt({
        exchangeId: "binance",
        local: { url: sim.url, wsUrl: sim.wsUrl },
      });
      const markets = await cryptoClient.loadMarkets();
      for (const s of crypto) {
        const m = markets[s];
        if (!m) throw new UsageError(`the simulated exchange does not list ${s}`);
        instruments.set(
          s,
          defaultInstrument(s, {
            tickSize: Number(m.precision?.price) || 0.01,
            lotSize: Number(m.precision?.amount) || 0.00001,
            minQuantity: Number(m.limits?.amount?.min) || Number(m.precision?.amount) || 0.00001,
            ...(Number(m.limits?.cost?.min) > 0 ? { minNotional: Number(m.limits?.cost?.min) } : {}),
          }),
        );
      }
      parts.push({
        symbols: crypto,
        feed: feedWithBookCache(
          new CcxtFeed({ exchange: cryptoClient, timeframe: options.timeframe, clock, settleMs: 0, bookLevels: 20 }),
          books,
        ),
      });
    }
    const simExchange = sim;
    const alpacaServer = alpaca;
    return {
      clock,
      feed: new CompositeFeed(parts),
      instruments,
      hours: new MarketHours(calendars),
      marketOf: Object.fromEntries([...crypto.map((s) => [s, "crypto"]), ...stocks.map((s) => [s, "equities"])]),
      books,
      description: `${sim ? "simulated exchange (Binance wire) + " : ""}local Alpaca (NYSE hours) ×${options.speed}`,
      venueClient: async () => {
        const routes: VenueRoute[] = [];
        try {
          const stocksClient = new AlpacaVenueClient({
            ccxt: await loadCcxt(),
            exchange: await alpacaSimClient(alpacaServer.url),
          });
          routes.push({ client: stocksClient, symbols: stocks });
          if (simExchange) {
            const local = { url: simExchange.url, wsUrl: simExchange.wsUrl };
            routes.push({
              client: await createVenueClient({ exchangeId: "binance", mode: "sim", local }),
              symbols: crypto,
            });
          }
        } catch (error) {
          for (const route of routes) await route.client.close();
          throw error;
        }
        return routes.length === 1 ? (routes[0] as VenueRoute).client : new RoutingVenueClient(routes);
      },
      close: async () => {
        await alpacaServer.close();
        await simExchange?.close();
      },
    };
  } catch (error) {
    await alpaca?.close();
    await sim?.close();
    throw error;
  }
}
