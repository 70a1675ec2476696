export { type SimulatedMarket, simulateMarket } from "./sim-market.js";
export {
  REGIME_NAMES,
  Regime,
  type RegimeConfig,
  type RegimeName,
  regimeName,
  resolveSimulatedMarketOptions,
  type SimulatedMarketConfig,
  type SimulateMarketOptions,
  simulatedMarketOptionsSchema,
} from "./sim-market-options.js";
