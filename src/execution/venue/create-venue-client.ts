/**
 * One entry point for the runtime: the venue client for `--exchange sim|binance|binanceusdm|…` in a mode. The
 * simulated exchange needs no keys (its fixed local key is used); testnet and live read their own keys from the
 * environment (venue-credentials.ts). The capability check runs before anything is sent.
 */
import { loadCcxtErrors } from "../../data/exchange/ccxt-parts.js";
import type { RetryPolicy } from "../../data/exchange/retry.js";
import { SIM_API_KEY, SIM_API_SECRET } from "../sim-exchange/sim-exchange.js";
import { connectCcxt } from "./ccxt-connect.js";
import { CcxtVenueClient } from "./ccxt-venue-client.js";
import { assertVenueCapabilities } from "./venue-capabilities.js";
import { credentialsFromEnvironment, VenueCredentials } from "./venue-credentials.js";

export interface CreateVenueClientOptions {
  /** CCXT exchange id: binance (spot), binanceusdm (USDⓈ-M futures), … */
  readonly exchangeId: string;
  /** "sim" = the local simulated exchange at `local`; "testnet" and "live" = the exchange itself. */
  readonly mode: "sim" | "testnet" | "live";
  /** The simulated exchange's origins (required in sim mode). */
  readonly local?: { readonly url: string; readonly wsUrl: string };
  /** Override the keys (tests); otherwise sim uses the simulated exchange's key and testnet/live the environment. */
  readonly credentials?: VenueCredentials;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly retry?: RetryPolicy;
  readonly lookupAttempts?: number;
  readonly lookupDelayMs?: number;
}

export async function createVenueClient(options: CreateVenueClientOptions): Promise<CcxtVenueClient> {
  if (options.mode === "sim" && options.local === undefined) {
    throw new Error("venue mode sim needs the simulated exchange's url and wsUrl (option local)");
  }
  const credentials =
    options.credentials ??
    (options.mode === "sim"
      ? new VenueCredentials(SIM_API_KEY, SIM_API_SECRET, "simulated exchange")
      : credentialsFromEnvironment(options.exchangeId, options.mode, options.env));
  const exchange = await connectCcxt({
    exchangeId: options.exchangeId,
    credentials,
    sandbox: options.mode === "testnet",
    ...(options.mode === "sim" ? { local: options.local! } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  assertVenueCapabilities(exchange, exchange.has["fetchPositions"] === true && options.exchangeId.endsWith("usdm"));
  return new CcxtVenueClient({
    ccxt: await loadCcxtErrors(),
    exchange,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.lookupAttempts === undefined ? {} : { lookupAttempts: options.lookupAttempts }),
    ...(options.lookupDelayMs === undefined ? {} : { lookupDelayMs: options.lookupDelayMs }),
  });
}
