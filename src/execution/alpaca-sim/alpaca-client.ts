import type { Exchange } from "ccxt";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import { ALPACA_SIM_KEY, ALPACA_SIM_SECRET, pointCcxtAtAlpacaSim } from "./alpaca-sim.js";

/**
 * A CCXT `alpaca` client on the local Alpaca at `url`, with its keys, and its markets loaded as US equities (CCXT's
 * alpaca lists crypto assets unless asked for `asset_class: us_equity`).
 */
export async function alpacaSimClient(url: string): Promise<Exchange> {
  const ccxt = await loadCcxt();
  const exchange = new ccxt.alpaca({ apiKey: ALPACA_SIM_KEY, secret: ALPACA_SIM_SECRET, enableRateLimit: false });
  pointCcxtAtAlpacaSim(exchange, url);
  await exchange.loadMarkets(true, { asset_class: "us_equity" });
  return exchange;
}
