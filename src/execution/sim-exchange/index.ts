// The simulated exchange: a local Binance (spot + USDⓈ-M, REST + WebSocket) fed by the simulated market.
export { MarketTape, type MarketTapeOptions } from "./market-tape.js";
export {
  SIM_API_KEY,
  SIM_API_SECRET,
  type SimExchange,
  type SimExchangeOptions,
  type SimRecordedRequest,
  simExchangeWsUrls,
  startSimExchange,
} from "./sim-exchange.js";
export { type SimFault, type SimFaultMatch, SimFaultScript } from "./sim-faults.js";
export type { SimMarketSpec } from "./sim-markets.js";
export type { SimAccountSeed } from "./sim-matching.js";
export type { SimFill, SimOrder, SimOrderEvent } from "./sim-orders.js";
