/**
 * Building the CCXT client a venue client talks through: the ccxt.pro class of the exchange (REST and WebSocket in
 * one object), keys, sandbox mode, and, for the simulated exchange, every REST and WebSocket URL pointed at it.
 */
import type { Exchange } from "ccxt";
import { rewriteApiUrls, UnknownExchangeError } from "../../data/exchange/ccxt-exchange.js";
import { loadExchangeClass } from "../../data/exchange/ccxt-parts.js";
import { simExchangeWsUrls } from "../sim-exchange/sim-exchange.js";
import type { VenueCredentials } from "./venue-credentials.js";

export interface CcxtConnectOptions {
  /** CCXT exchange id: binance, binanceusdm, ... */
  readonly exchangeId: string;
  readonly credentials?: VenueCredentials;
  /** The exchange's testnet (CCXT sandbox mode). */
  readonly sandbox?: boolean;
  /** Talk to a local simulated exchange instead: its REST and WebSocket origins. */
  readonly local?: { readonly url: string; readonly wsUrl: string };
  /** Per-request timeout (CCXT default 10 000 ms). */
  readonly timeoutMs?: number;
}

/** A ccxt.pro client for `exchangeId`, configured by `options`. */
export async function connectCcxt(options: CcxtConnectOptions): Promise<Exchange> {
  const ExchangeClass = await loadExchangeClass(options.exchangeId, true);
  if (ExchangeClass === undefined) throw new UnknownExchangeError(options.exchangeId, []);
  const config: Record<string, unknown> = { enableRateLimit: false };
  if (options.credentials !== undefined) {
    config["apiKey"] = options.credentials.apiKey;
    config["secret"] = options.credentials.revealSecret();
  }
  if (options.timeoutMs !== undefined) config["timeout"] = options.timeoutMs;
  const exchange = new ExchangeClass(config);
  if (options.sandbox === true) exchange.setSandboxMode(true);
  if (options.local !== undefined) {
    pointCcxtAt(exchange, options.local.url, options.local.wsUrl);
    // ccxt.pro opens plain ws:// connections only through an HTTP agent loaded beforehand.
    await exchange.loadHttpProxyAgent();
  }
  return exchange;
}

/** Points every REST URL of `exchange` at `url` (paths kept) and its Binance WebSocket URLs at `wsUrl`. */
export function pointCcxtAt(exchange: Exchange, url: string, wsUrl: string): void {
  const urls = exchange.urls as { api?: Record<string, unknown> };
  const api = rewriteApiUrls(urls.api ?? {}, url);
  api["ws"] = simExchangeWsUrls(wsUrl);
  urls.api = api;
}
