import { isCcxtNetworkError } from "../data/exchange/ccxt-parts.js";

/**
 * CCXT Pro keeps internal futures for a WebSocket subscription (order snapshots, pings) that nobody awaits; when
 * the connection drops it rejects them with a NetworkError, which Node turns into a crash. The feed and venue loops
 * already notice the drop, reconnect and back-fill, so that rejection is logged and ignored. Any other unhandled
 * rejection still ends the process (crash-only: the supervisor restarts it and the session recovers from the store).
 * Returns the uninstall.
 */
export function tolerateCcxtNetworkRejections(log: (error: Error) => void): () => void {
  const handler = (reason: unknown) => {
    if (isCcxtNetworkError(reason)) {
      log(reason);
      return;
    }
    throw reason;
  };
  process.on("unhandledRejection", handler);
  return () => process.off("unhandledRejection", handler);
}
