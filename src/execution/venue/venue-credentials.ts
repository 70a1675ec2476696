/**
 * API keys for a venue, read from the environment only, with testnet and mainnet keys kept apart:
 * AEGIS_<EXCHANGE>_KEY / AEGIS_<EXCHANGE>_SECRET for live trading, AEGIS_<EXCHANGE>_TESTNET_KEY /
 * AEGIS_<EXCHANGE>_TESTNET_SECRET for the testnet (binanceusdm and binancecoinm share the BINANCE keys, as Binance
 * accounts do); Alpaca's are ALPACA_API_* (paper) and ALPACA_LIVE_API_* (live). The secret never appears in a log line, a JSON dump or an inspected object.
 */
import { inspect } from "node:util";

export type VenueMode = "testnet" | "live";

export class VenueCredentials {
  readonly apiKey: string;
  readonly #secret: string;
  /** Where the keys came from, e.g. "AEGIS_BINANCE_TESTNET_KEY": safe to print. */
  readonly source: string;

  constructor(apiKey: string, secret: string, source: string) {
    this.apiKey = apiKey;
    this.#secret = secret;
    this.source = source;
  }

  /** The secret, for the one place that signs requests. */
  revealSecret(): string {
    return this.#secret;
  }

  /** The key shortened to its first four characters, for log lines. */
  get maskedKey(): string {
    return `${this.apiKey.slice(0, 4)}…`;
  }

  toJSON(): unknown {
    return { apiKey: this.maskedKey, secret: "[redacted]", source: this.source };
  }

  toString(): string {
    return `VenueCredentials(${this.maskedKey} from ${this.source})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Thrown when the environment lacks a key the mode needs; names the variables to set (never their values). */
export class MissingCredentialsError extends Error {
  readonly variables: readonly string[];
  constructor(exchangeId: string, mode: VenueMode, variables: readonly string[]) {
    super(`${mode} trading on ${exchangeId} needs API keys: set ${variables.join(" and ")} in the environment`);
    this.name = "MissingCredentialsError";
    this.variables = variables;
  }
}

/**
 * The environment variable prefix of an exchange's keys: AEGIS_BINANCE for binance, binanceusdm and binancecoinm.
 * Alpaca's keys keep the names its users know: ALPACA_API_KEY / ALPACA_API_SECRET for the paper account (testnet),
 * ALPACA_LIVE_API_KEY / ALPACA_LIVE_API_SECRET for the live one.
 */
export function credentialsPrefix(exchangeId: string, mode: VenueMode): string {
  if (exchangeId === "alpaca") return mode === "testnet" ? "ALPACA_API" : "ALPACA_LIVE_API";
  const family = exchangeId.startsWith("binance") ? "binance" : exchangeId;
  const name = family.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return mode === "testnet" ? `AEGIS_${name}_TESTNET` : `AEGIS_${name}`;
}

/** Reads the keys for `exchangeId` in `mode` from `env`; throws MissingCredentialsError when one is absent. */
export function credentialsFromEnvironment(
  exchangeId: string,
  mode: VenueMode,
  env: Readonly<Record<string, string | undefined>> = process.env,
): VenueCredentials {
  const prefix = credentialsPrefix(exchangeId, mode);
  const keyName = `${prefix}_KEY`;
  const secretName = `${prefix}_SECRET`;
  const apiKey = env[keyName]?.trim() ?? "";
  const secret = env[secretName]?.trim() ?? "";
  const missing = [apiKey === "" ? keyName : undefined, secret === "" ? secretName : undefined].filter(
    (name): name is string => name !== undefined,
  );
  if (missing.length > 0) throw new MissingCredentialsError(exchangeId, mode, missing);
  return new VenueCredentials(apiKey, secret, keyName);
}
