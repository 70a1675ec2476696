/**
 * The CCXT `alpaca` client of Alpaca's own API: the paper account (testnet: https://paper-api.alpaca.markets) or the
 * live one, market data from https://data.alpaca.markets, keys from the environment. `ALPACA_BASE_URL` sends every
 * request (trading and data) to another origin instead: the local Alpaca of the tests, through exactly this code.
 */
import type { Exchange } from "ccxt";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import { pointCcxtAtAlpacaSim } from "../alpaca-sim/alpaca-sim.js";
import type { VenueCredentials } from "./venue-credentials.js";

export const ALPACA_BASE_URL_VARIABLE = "ALPACA_BASE_URL";

/** A bad ALPACA_BASE_URL, named with the rule it breaks. */
export class AlpacaBaseUrlError extends Error {
  constructor(text: string) {
    super(
      `${ALPACA_BASE_URL_VARIABLE}="${text}" must be an https:// origin, or http://127.0.0.1:PORT (a local Alpaca); keys are never sent in clear to another host`,
    );
    this.name = "AlpacaBaseUrlError";
  }
}

/** The origin ALPACA_BASE_URL names, or undefined when it is not set. */
export function alpacaBaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const text = env[ALPACA_BASE_URL_VARIABLE]?.trim() ?? "";
  if (text === "") return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AlpacaBaseUrlError(text);
  }
  const local = url.protocol === "http:" && ["127.0.0.1", "localhost"].includes(url.hostname);
  if (!(url.protocol === "https:" || local) || url.pathname.replace(/\/$/, "") !== "")
    throw new AlpacaBaseUrlError(text);
  return url.origin;
}

export interface AlpacaConnectOptions {
  readonly credentials: VenueCredentials;
  readonly mode: "testnet" | "live";
  readonly baseUrl?: string;
}

/** Connects to Alpaca (markets loaded as US equities, as CCXT's alpaca lists crypto otherwise). */
export async function connectAlpaca(options: AlpacaConnectOptions): Promise<Exchange> {
  const exchange = await alpacaExchange(options);
  await exchange.loadMarkets(true, { asset_class: "us_equity" });
  return exchange;
}

/** The CCXT client with keys and URLs set, nothing asked of the network yet. */
export async function alpacaExchange(options: AlpacaConnectOptions): Promise<Exchange> {
  const ccxt = await loadCcxt();
  const exchange = new ccxt.alpaca({
    apiKey: options.credentials.apiKey,
    secret: options.credentials.revealSecret(),
    enableRateLimit: true,
  });
  if (options.baseUrl !== undefined) pointCcxtAtAlpacaSim(exchange, options.baseUrl);
  else if (options.mode === "testnet") exchange.setSandboxMode(true);
  return exchange;
}
