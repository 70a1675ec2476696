// Nothing re-exported here imports CCXT at load time: it is imported on first use, inside the download path.
export { classifyCcxtError, isCcxtError } from "./ccxt-errors.js";
export {
  type CcxtExchangeOptions,
  type CcxtModule,
  ccxtExchangeIds,
  createCcxtExchange,
  loadCcxt,
  rewriteApiUrls,
  UnknownExchangeError,
} from "./ccxt-exchange.js";
export {
  type DownloadCandlesOptions,
  type DownloadCandlesResult,
  DownloadError,
  type DownloadFailure,
  downloadCandles,
} from "./download.js";
export { asOhlcvRows, findInvalidBar } from "./ohlcv-validation.js";
export {
  backoffDelayMs,
  parseRetryAfterMs,
  RetryAfterTooLongError,
  type RetryEvent,
  RetryExhaustedError,
  type RetryOptions,
  type RetryPolicy,
  type RetryVerdict,
  withRetry,
} from "./retry.js";
