import type { Exchange } from "ccxt";
import type { Timeframe } from "../../domain/timeframe.js";

/** Aegis timeframes as Alpaca's Market Data API writes them. */
const ALPACA_TIMEFRAMES: Readonly<Partial<Record<Timeframe, string>>> = {
  "1m": "1Min",
  "5m": "5Min",
  "15m": "15Min",
  "30m": "30Min",
  "1h": "1Hour",
  "4h": "4Hour",
  "1d": "1Day",
};

interface AlpacaBarsApi {
  marketPrivateGetV2StocksBars(params: Record<string, unknown>): Promise<unknown>;
  parseOHLCV(bar: unknown): unknown[];
}

/**
 * A CCXT `alpaca` client whose `fetchOHLCV` reads US stock bars. CCXT's own `fetchOHLCV` on alpaca serves crypto
 * bars only; stocks come from the same client's implicit Market Data endpoint `GET /v2/stocks/bars` (signed with the keys, as Alpaca requires), page by page
 * (`next_page_token`), parsed by CCXT's alpaca bar parser. Symbols are tickers ("AAPL"). Everything else (orders,
 * balances, the clock) is the client unchanged; there is no stock WebSocket in CCXT, so the feed polls.
 */
export function withAlpacaStockBars(exchange: Exchange, dataFeed = "iex"): Exchange {
  const api = exchange as unknown as AlpacaBarsApi;
  const wrapped = Object.create(exchange) as Exchange;
  Object.defineProperty(wrapped, "has", {
    value: {
      ...(exchange.has as Record<string, unknown>),
      watchOHLCV: false,
      watchOrderBook: false,
      watchTrades: false,
    },
  });
  Object.defineProperty(wrapped, "fetchOHLCV", {
    value: async (symbol: string, timeframe: Timeframe, since?: number, limit = 1000) => {
      const frame = ALPACA_TIMEFRAMES[timeframe];
      if (frame === undefined)
        throw new RangeError(
          `alpaca stock bars: timeframe ${timeframe} is not one of ${Object.keys(ALPACA_TIMEFRAMES).join(", ")}`,
        );
      const ticker = symbol.split("/")[0] as string;
      const rows: unknown[][] = [];
      let pageToken: string | undefined;
      do {
        const request: Record<string, unknown> = {
          symbols: ticker,
          timeframe: frame,
          limit: Math.min(10_000, limit - rows.length),
          feed: dataFeed,
          adjustment: "raw",
          sort: "asc",
          ...(since !== undefined ? { start: new Date(since).toISOString() } : {}),
          ...(pageToken !== undefined ? { page_token: pageToken } : {}),
        };
        const response = (await api.marketPrivateGetV2StocksBars(request)) as {
          bars?: Record<string, unknown[]> | null;
          next_page_token?: string | null;
        };
        for (const bar of response.bars?.[ticker] ?? []) rows.push(api.parseOHLCV.call(exchange, bar));
        pageToken = response.next_page_token ?? undefined;
      } while (pageToken !== undefined && rows.length < limit);
      return rows;
    },
  });
  return wrapped;
}
