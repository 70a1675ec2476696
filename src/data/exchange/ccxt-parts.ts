/**
 * One exchange of CCXT, or its error classes, without the rest. `import("ccxt")` loads all of its ~110 exchanges
 * and their WebSocket classes (about 1.2 s of CPU here, 0.9 s of wall time), while a session talks to one: the
 * `binance` class with what it imports takes about a third of that. CCXT's package exports only its whole module,
 * so single files are imported by their path inside the installed package; they are the same files the whole
 * module imports, so classes (and `instanceof` on errors) are the same objects either way. When the file layout is
 * not the expected one (another CCXT version), the whole module is loaded instead (Node's module cache keeps one
 * copy of it, whoever imports it).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Exchange } from "ccxt";
import type { CcxtModule } from "./ccxt-exchange.js";

/** The error classes of CCXT: what error handling needs of it. */
export type CcxtErrors = Pick<
  CcxtModule,
  | "ArgumentsRequired"
  | "AuthenticationError"
  | "BadRequest"
  | "BadResponse"
  | "BadSymbol"
  | "BaseError"
  | "DDoSProtection"
  | "ExchangeError"
  | "ExchangeNotAvailable"
  | "InsufficientFunds"
  | "InvalidOrder"
  | "NetworkError"
  | "NullResponse"
  | "OnMaintenance"
  | "OperationFailed"
  | "OrderNotFound"
  | "PermissionDenied"
  | "RateLimitExceeded"
  | "RequestTimeout"
>;

export type ExchangeConstructor = new (config: Record<string, unknown>) => Exchange;

let sourceDir: string | null | undefined;

/** `js/src` of the installed CCXT, or null when it cannot be found. */
function ccxtSourceDir(): string | null {
  if (sourceDir === undefined) {
    try {
      // The package's "require" entry is dist/ccxt.cjs; its ESM sources sit beside it in js/src.
      const dir = join(dirname(createRequire(import.meta.url).resolve("ccxt")), "..", "js", "src");
      sourceDir = existsSync(join(dir, "base", "errors.js")) ? dir : null;
    } catch {
      sourceDir = null;
    }
  }
  return sourceDir;
}

const wholeModule = (): Promise<CcxtModule> => import("ccxt");

/**
 * The class of exchange `id` (`pro`: its ccxt.pro class, REST and WebSocket), importing only its file; undefined
 * when CCXT has no such exchange.
 */
export async function loadExchangeClass(id: string, pro: boolean): Promise<ExchangeConstructor | undefined> {
  const dir = ccxtSourceDir();
  // Exchange ids are lower-case letters and digits; anything else is no file of CCXT's.
  if (dir !== null && /^[a-z0-9]+$/.test(id)) {
    const file = join(dir, ...(pro ? ["pro"] : []), `${id}.js`);
    if (existsSync(file)) {
      const exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
      if (isExchangeClass(exported)) return exported;
    }
  }
  const ccxt = await wholeModule();
  const classes = (pro ? ccxt.pro : ccxt.exchanges) as unknown as Record<string, unknown>;
  const found = Object.hasOwn(classes, id) ? classes[id] : undefined;
  return isExchangeClass(found) ? found : undefined;
}

let errors: Promise<CcxtErrors> | undefined;

/** CCXT's error classes, from their own file (or the whole module when that file is not where it should be). */
export function loadCcxtErrors(): Promise<CcxtErrors> {
  errors ??= (async () => {
    const dir = ccxtSourceDir();
    if (dir === null) return wholeModule();
    const module = (await import(pathToFileURL(join(dir, "base", "errors.js")).href)) as Partial<CcxtErrors>;
    return typeof module.NetworkError === "function" && typeof module.BaseError === "function"
      ? (module as CcxtErrors)
      : wholeModule();
  })();
  return errors;
}

/**
 * Whether `error` is a CCXT NetworkError or one of its subclasses (RequestTimeout, ExchangeNotAvailable,
 * DDoSProtection, RateLimitExceeded …), judged by its class chain so that no part of CCXT has to be loaded to ask.
 */
export function isCcxtNetworkError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  )
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === "NetworkError") return true;
  return false;
}

function isExchangeClass(value: unknown): value is ExchangeConstructor {
  return (
    typeof value === "function" && typeof (value.prototype as { loadMarkets?: unknown })?.loadMarkets === "function"
  );
}
