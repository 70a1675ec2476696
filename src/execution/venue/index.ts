// The venue side of execution: the contract, the CCXT client, its errors, keys and capability check.
// Nothing here imports CCXT at load time (it is loaded on first use).
export { BinanceReportParser } from "./binance-reports.js";
export { type CcxtConnectOptions, connectCcxt, pointCcxtAt } from "./ccxt-connect.js";
export { CcxtVenueClient, type CcxtVenueClientOptions, toVenueOrder } from "./ccxt-venue-client.js";
export { type CreateVenueClientOptions, createVenueClient } from "./create-venue-client.js";
export {
  assertVenueCapabilities,
  DERIVATIVES_CAPABILITIES,
  REQUIRED_CAPABILITIES,
  VenueCapabilityError,
} from "./venue-capabilities.js";
export type {
  OrderIntent,
  OrderSide,
  TimeInForce,
  VenueAck,
  VenueBalance,
  VenueClient,
  VenueOrder,
  VenueOrderStatus,
  VenueOrderType,
  VenuePosition,
  VenueReport,
} from "./venue-client.js";
export {
  credentialsFromEnvironment,
  credentialsPrefix,
  MissingCredentialsError,
  VenueCredentials,
  type VenueMode,
} from "./venue-credentials.js";
export {
  AuthenticationError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  OrderNotFoundError,
  OrderNotPlacedError,
  RateLimitError,
  toVenueError,
  UncertainOrderError,
  VenueError,
  VenueRejectedError,
} from "./venue-errors.js";
