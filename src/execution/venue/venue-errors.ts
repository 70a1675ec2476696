/**
 * The typed errors of a venue, the ones the order manager acts on, mapped from CCXT's error tree:
 *
 *   VenueError
 *   ├─ NetworkError              transient: timeout, dropped connection, malformed answer → retry reads, look up creates
 *   │  ├─ RateLimitError         429/418 → wait `retryAfterMs` (the venue's Retry-After) before the next request
 *   │  └─ ExchangeUnavailableError  5xx, maintenance → back off
 *   ├─ UncertainOrderError       submit's answer was lost and the look-up failed too: do not resend, ask again later
 *   ├─ AuthenticationError       bad or missing keys → stop trading on this venue
 *   ├─ InsufficientFundsError    not enough balance or margin → reject the intent
 *   ├─ InvalidOrderError         symbol, filter, precision, reduce-only … → reject the intent
 *   ├─ OrderNotFoundError        the venue does not know the order
 *   └─ VenueRejectedError        any other refusal by the venue
 *
 * Every error keeps the CCXT error as `cause` and names the exchange and the operation.
 */
import type { CcxtErrors } from "../../data/exchange/ccxt-parts.js";

export class VenueError extends Error {
  /** Whether repeating the same request may succeed. */
  readonly transient: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NetworkError extends VenueError {
  override readonly transient: boolean = true;
}

export class RateLimitError extends NetworkError {
  /** The venue's Retry-After, when it sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export class ExchangeUnavailableError extends NetworkError {}

export class UncertainOrderError extends VenueError {
  readonly clientOrderId: string;
  constructor(message: string, clientOrderId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.clientOrderId = clientOrderId;
  }
}

export class AuthenticationError extends VenueError {}
export class InsufficientFundsError extends VenueError {}
export class InvalidOrderError extends VenueError {}
export class OrderNotFoundError extends VenueError {}
export class VenueRejectedError extends VenueError {}

/**
 * Binance codes that CCXT leaves as a generic ExchangeError on some endpoints (CCXT's tables differ between spot and
 * futures: -2019 "Margin is insufficient." on /fapi comes out as ExchangeError).
 */
const BINANCE_CODES: Readonly<Record<string, new (message: string, options?: { cause?: unknown }) => VenueError>> = {
  "-2010": InvalidOrderError,
  "-2018": InsufficientFundsError,
  "-2019": InsufficientFundsError,
  "-2011": OrderNotFoundError,
  "-2013": OrderNotFoundError,
  "-1013": InvalidOrderError,
  "-1111": InvalidOrderError,
  "-1121": InvalidOrderError,
  "-2022": InvalidOrderError,
  "-4164": InvalidOrderError,
  "-1022": AuthenticationError,
  "-2014": AuthenticationError,
  "-2015": AuthenticationError,
};

function byBinanceCode(text: string, message: string, options: { cause?: unknown }): VenueError | undefined {
  const code = /"code":\s*(-\d+)/.exec(text)?.[1];
  if (code === undefined) return undefined;
  // -2010 is Binance's generic "order rejected"; its message says whether funds were the reason.
  if (code === "-2010" && /insufficient balance/i.test(text)) return new InsufficientFundsError(message, options);
  const ErrorClass = BINANCE_CODES[code];
  return ErrorClass === undefined ? undefined : new ErrorClass(message, options);
}

/**
 * The VenueError for `error` thrown by CCXT during `operation` (e.g. "submit BTC/USDT c-42"); non-CCXT errors become
 * NetworkError when they look like a transport failure, VenueRejectedError otherwise.
 */
export function toVenueError(ccxt: CcxtErrors, error: unknown, operation: string, retryAfterMs?: number): VenueError {
  if (error instanceof VenueError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const message = `${operation}: ${text}`;
  const options = { cause: error };
  // Order matters: CCXT's classes inherit from each other (RateLimitExceeded < DDoSProtection < NetworkError).
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) {
    return new RateLimitError(message, retryAfterMs, options);
  }
  if (error instanceof ccxt.ExchangeNotAvailable || error instanceof ccxt.OnMaintenance) {
    return new ExchangeUnavailableError(message, options);
  }
  if (error instanceof ccxt.NetworkError || error instanceof ccxt.BadResponse || error instanceof ccxt.NullResponse) {
    return new NetworkError(message, options);
  }
  const refined = error instanceof ccxt.BaseError ? byBinanceCode(text, message, options) : undefined;
  if (refined !== undefined) return refined;
  if (error instanceof ccxt.AuthenticationError || error instanceof ccxt.PermissionDenied) {
    return new AuthenticationError(message, options);
  }
  if (error instanceof ccxt.InsufficientFunds) return new InsufficientFundsError(message, options);
  if (error instanceof ccxt.OrderNotFound) return new OrderNotFoundError(message, options);
  if (
    error instanceof ccxt.InvalidOrder ||
    error instanceof ccxt.BadSymbol ||
    error instanceof ccxt.BadRequest ||
    error instanceof ccxt.ArgumentsRequired
  ) {
    return new InvalidOrderError(message, options);
  }
  if (error instanceof ccxt.BaseError) return new VenueRejectedError(message, options);
  if (error instanceof Error && /ECONNRESET|ECONNREFUSED|socket hang up|ETIMEDOUT|EPIPE/i.test(error.message)) {
    return new NetworkError(message, options);
  }
  return new VenueRejectedError(message, options);
}

/**
 * submit's answer was lost and the venue, asked by client order id, does not know the order: it was not placed.
 * Sending it again with the same client order id is safe (the venue refuses a duplicate id).
 */
export class OrderNotPlacedError extends NetworkError {
  readonly clientOrderId: string;
  constructor(message: string, clientOrderId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.clientOrderId = clientOrderId;
  }
}
