import type { Market } from "ccxt";
import { defaultInstrument, type Instrument } from "../domain/instrument.js";

/**
 * A US stock or ETF as the runtime trades it: whole shares unless the venue marks the asset fractionable (Alpaca's
 * `fractionable`, or a market whose amount step is below one share), a cent tick, no minimum notional (that is a
 * crypto exchange's rule, not a stock exchange's), and no commission (Alpaca charges none on US equities; regulatory
 * pass-through fees of a few cents are not modelled).
 */
export function equityInstrument(ticker: string, market: Market | undefined): Instrument {
  const info = (market?.info ?? {}) as { fractionable?: unknown };
  const step = Number(market?.precision?.amount);
  const fractionable = info.fractionable === true || (step > 0 && step < 1);
  const lot = fractionable ? (step > 0 && step < 1 ? step : 1e-9) : 1;
  const tick = Number(market?.precision?.price);
  return defaultInstrument(ticker, {
    base: ticker,
    quote: market?.quote ?? "USD",
    tickSize: tick > 0 ? tick : 0.01,
    lotSize: lot,
    minQuantity: fractionable ? lot : 1,
    minNotional: 0,
    makerFee: 0,
    takerFee: 0,
    kind: "spot",
  });
}
