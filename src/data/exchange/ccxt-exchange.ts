/**
 * Creating CCXT exchange clients. CCXT takes about a third of a second to import, so it is loaded lazily on first
 * use (`loadCcxt`) and nothing here imports it at module load: the CLI can import this module for free.
 */
import type { Exchange } from "ccxt";
import { loadExchangeClass } from "./ccxt-parts.js";

/** The CCXT module namespace, as `await import("ccxt")` returns it. */
export type CcxtModule = typeof import("ccxt");

/** How to reach an exchange. Every field is optional: public market data needs none of them. */
export interface CcxtExchangeOptions {
  /** API key; only private endpoints need it (and on Binance it makes loadMarkets also ask for currencies). */
  readonly apiKey?: string;
  readonly secret?: string;
  /** Passphrase, for exchanges that have one (OKX, KuCoin, ...). */
  readonly password?: string;
  /** Use the exchange's testnet/sandbox URLs (CCXT's setSandboxMode); applied before `apiBaseUrl`. */
  readonly sandbox?: boolean;
  /**
   * Send every REST request to this origin instead of the exchange's own hosts, keeping each endpoint's path:
   * `https://api.binance.com/api/v3/klines` becomes `<apiBaseUrl>/api/v3/klines`. For a proxy, a mirror, or a
   * local server that speaks the exchange's wire format. A path in `apiBaseUrl` is kept as a prefix.
   */
  readonly apiBaseUrl?: string;
  /** Per-request timeout in milliseconds (CCXT's default is 10 000). */
  readonly timeoutMs?: number;
}

/** Thrown when CCXT has no exchange of the given id; `suggestions` holds close ids, best first. */
export class UnknownExchangeError extends Error {
  readonly exchangeId: string;
  readonly suggestions: readonly string[];
  constructor(exchangeId: string, suggestions: readonly string[]) {
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(", ")}?)` : "";
    super(`unknown exchange "${exchangeId}": CCXT has no exchange with that id${hint}`);
    this.name = "UnknownExchangeError";
    this.exchangeId = exchangeId;
    this.suggestions = suggestions;
  }
}

let ccxtModule: Promise<CcxtModule> | undefined;

/** Imports CCXT once, on first call. */
export function loadCcxt(): Promise<CcxtModule> {
  ccxtModule ??= import("ccxt");
  return ccxtModule;
}

/** Ids of every exchange CCXT supports (`binance`, `binanceusdm`, `kraken`, ...). */
export async function ccxtExchangeIds(): Promise<readonly string[]> {
  return Object.keys((await loadCcxt()).exchanges);
}

/**
 * A CCXT client for exchange `id` with CCXT's rate limiter on. Throws `UnknownExchangeError` naming the id (and
 * close matches) when CCXT has no such exchange, and a plain error naming `apiBaseUrl` when it is not an http(s) URL.
 */
export async function createCcxtExchange(id: string, options: CcxtExchangeOptions = {}): Promise<Exchange> {
  // Only that exchange's file is loaded; the whole of CCXT only to suggest ids for one it does not have.
  const ExchangeClass = await loadExchangeClass(id, false);
  if (ExchangeClass === undefined) throw new UnknownExchangeError(id, closeIds(id, await ccxtExchangeIds()));
  const config: Record<string, unknown> = { enableRateLimit: true };
  if (options.apiKey !== undefined) config["apiKey"] = options.apiKey;
  if (options.secret !== undefined) config["secret"] = options.secret;
  if (options.password !== undefined) config["password"] = options.password;
  if (options.timeoutMs !== undefined) config["timeout"] = options.timeoutMs;
  const exchange = new ExchangeClass(config);
  if (options.sandbox === true) exchange.setSandboxMode(true);
  if (options.apiBaseUrl !== undefined) {
    const urls = exchange.urls as { api?: unknown };
    urls.api = rewriteApiUrls(urls.api, options.apiBaseUrl);
  }
  return exchange;
}

/**
 * Returns a copy of a CCXT `urls.api` value (a URL string or a nested record of them) with the origin of every
 * http(s) URL replaced by `apiBaseUrl`; paths are kept, WebSocket URLs and non-URL values are left alone.
 * Example: `{ public: "https://api.binance.com/api/v3" }` with `http://127.0.0.1:8080` gives
 * `{ public: "http://127.0.0.1:8080/api/v3" }`.
 */
export function rewriteApiUrls<T>(api: T, apiBaseUrl: string): T {
  const base = normaliseBaseUrl(apiBaseUrl);
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(/^https?:\/\/[^/]+/i, () => base);
    if (Array.isArray(value)) return value.map(rewrite);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, rewrite(entry)]));
    }
    return value;
  };
  return rewrite(api) as T;
}

function normaliseBaseUrl(apiBaseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(apiBaseUrl);
  } catch {
    throw new Error(`apiBaseUrl "${apiBaseUrl}" is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`apiBaseUrl "${apiBaseUrl}" must be an http:// or https:// URL`);
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new Error(`apiBaseUrl "${apiBaseUrl}" must not have a query or fragment`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

/** Up to three ids within edit distance 2 of `id`, or that start with it, closest first. */
function closeIds(id: string, ids: readonly string[]): string[] {
  const wanted = id.toLowerCase();
  return ids
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate) }))
    .filter(({ candidate, distance }) => distance <= 2 || (wanted.length >= 3 && candidate.startsWith(wanted)))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
