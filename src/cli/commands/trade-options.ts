import type { AegisConfig } from "../../config/schema.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { credentialsFromEnvironment, MissingCredentialsError } from "../../execution/venue/venue-credentials.js";
import { NotifyConfigError, type NotifySettings, readNotifyEnv } from "../../notify/index.js";
import { parseApiPort } from "../serve-api.js";
import { UsageError } from "../usage-error.js";
import { alpacaSettings } from "./trade-alpaca.js";
import { isMultiMarket, LOCAL_ALPACA } from "./trade-markets.js";
import { withConfigSlots } from "./trade-sources.js";

export interface TradeCliOptions {
  mode: string;
  exchange: string;
  symbols: string;
  timeframe: string;
  strategy: string[];
  speed: string;
  cash: string;
  store?: string;
  session?: string;
  live?: boolean;
  venueUrl?: string;
  steps?: string;
  warmup: string;
  seed: string;
  status: boolean;
  /** `--api-port` (default api.port, 8420; 0 = any free port) and `--no-api`. */
  apiPort?: string;
  api?: boolean;
  /** `--reports DIR` (repeatable): folders the dashboard's report viewer may open. */
  reports?: string[];
  /** Whether `--symbols` was given (else `trading.slots` may name the symbols). */
  symbolsGiven?: boolean;
}

export const TRADE_MODES = ["paper", "testnet", "live"] as const;
export type TradeMode = (typeof TRADE_MODES)[number];
/** Exchanges testnet and live can trade (a venue client and its keys exist for them). */
const VENUE_EXCHANGES = ["binance", "binanceusdm"];

/** What `aegis trade` was asked, every value checked: the session starts only from these. */
export interface TradeSettings {
  /** The command line, with `trading.slots` filled in when it names no symbol or strategy. */
  readonly options: TradeCliOptions;
  readonly mode: TradeMode;
  /** `--venue-url`: a simulated exchange in another process. */
  readonly venueOrigin: { url: string; wsUrl: string } | undefined;
  /** Alpaca's own API (paper or live account); alpaca-sim is the local stand-in. */
  readonly realAlpaca: boolean;
  /** USDⓈ-M perpetual contracts (testnet and live on binanceusdm). */
  readonly contracts: boolean;
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  readonly speed: number;
  readonly cash: number;
  readonly warmup: number;
  readonly maxSteps: number | undefined;
  readonly alertSettings: NotifySettings;
  readonly apiPort: number | undefined;
  readonly sessionName: string;
}

/**
 * Checks the command line against the config before anything is opened: a bad value is a UsageError (exit 2)
 * naming the option, live trading needs its double gate, and keys are checked before the network is asked.
 */
export function parseTradeOptions(cli: TradeCliOptions, config: AegisConfig): TradeSettings {
  const options = withConfigSlots(cli, config.trading.slots);
  const mode = options.mode as TradeMode;
  if (!TRADE_MODES.includes(mode))
    throw new UsageError(`--mode must be one of ${TRADE_MODES.join(", ")}, got "${options.mode}"`);
  // Live: the double gate before anything else.
  if (mode === "live" && !(options.live === true && config.trading.live === true)) {
    throw new UsageError(
      "live trading needs both `trading.live: true` in the config file and --live on the command line; " +
        `got trading.live=${config.trading.live} and --live=${options.live === true}`,
    );
  }
  if (options.venueUrl !== undefined && options.exchange !== "sim")
    throw new UsageError(`--venue-url is for --exchange sim only, got --exchange ${options.exchange}`);
  const venueOrigin = options.venueUrl === undefined ? undefined : simOrigin(options.venueUrl);
  const realAlpaca = options.exchange === "alpaca";
  const localVenues = options.exchange === "sim" || (isMultiMarket(options.exchange) && !realAlpaca);
  if (mode !== "paper" && !localVenues && !realAlpaca && !VENUE_EXCHANGES.includes(options.exchange))
    throw new UsageError(
      `--mode ${mode} trades on ${VENUE_EXCHANGES.join(", ")}, alpaca, sim (the local exchange) or alpaca-sim / sim,alpaca-sim (the local venues); got --exchange ${options.exchange}`,
    );
  if (mode === "live" && isMultiMarket(options.exchange) && !realAlpaca)
    throw new UsageError(`--mode live: --exchange ${options.exchange} runs local paper venues; use --mode testnet`);
  // Keys are checked before anything is opened or asked of the network.
  if (mode !== "paper" && !localVenues && !realAlpaca) {
    try {
      credentialsFromEnvironment(options.exchange, mode);
    } catch (error) {
      if (error instanceof MissingCredentialsError) throw new UsageError(error.message);
      throw error;
    }
  }
  const timeframe = options.timeframe as Timeframe;
  if (!(timeframe in TIMEFRAMES))
    throw new UsageError(`--timeframe ${options.timeframe} is not one of ${Object.keys(TIMEFRAMES).join(", ")}`);
  const symbols = options.symbols
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "");
  if (symbols.length === 0) throw new UsageError("--symbols names no symbol (e.g. BTC/USDT,ETH/USDT)");
  // Alpaca's keys (in every mode: its market data needs them too), base URL, tickers and timeframe.
  if (realAlpaca) alpacaSettings(mode, symbols, timeframe);
  for (const s of symbols)
    if (!isMultiMarket(options.exchange) && !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s))
      throw new UsageError(`--symbols: "${s}" is not BASE/QUOTE`);
  const speed = Number(options.speed);
  if (!(speed >= 1 && speed <= 10_000))
    throw new UsageError(`--speed must be a number from 1 to 10000, got "${options.speed}"`);
  const cash = Number(options.cash);
  if (!(cash > 0)) throw new UsageError(`--cash must be a positive number, got "${options.cash}"`);
  const warmup = Number(options.warmup);
  if (!(Number.isInteger(warmup) && warmup >= 0 && warmup <= 5000))
    throw new UsageError(`--warmup must be 0..5000 bars, got "${options.warmup}"`);
  const maxSteps = options.steps === undefined ? undefined : Number(options.steps);
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps > 0))
    throw new UsageError(`--steps must be a positive whole number, got "${options.steps}"`);
  const alertSettings = alertSettingsFromEnv();
  const apiPort = parseApiPort(options.apiPort);
  // A client order id cannot hold a comma: "sim,alpaca-sim" names its testnet session "testnet-sim.alpaca-1m".
  // The local Alpaca keeps the session names it had when it was `--exchange alpaca` (a store resumes them); Alpaca's
  // own API gets names of its own, so that no local state is ever resumed against a real account.
  const venueTag = realAlpaca ? "alpaca.api" : options.exchange.replace(LOCAL_ALPACA, "alpaca");
  const sessionName =
    options.session ?? `${mode}-${mode === "paper" ? venueTag : venueTag.replaceAll(",", ".")}-${timeframe}`;
  if (mode !== "paper" && !/^[\w.:/-]{1,24}$/.test(sessionName))
    throw new UsageError(
      `--session "${sessionName}" prefixes every client order id: at most 24 letters, digits or . _ : / -`,
    );
  return {
    options,
    mode,
    venueOrigin,
    realAlpaca,
    contracts: mode !== "paper" && options.exchange === "binanceusdm",
    timeframe,
    symbols,
    speed,
    cash,
    warmup,
    maxSteps,
    alertSettings,
    apiPort,
    sessionName,
  };
}

/** The alert channels from TELEGRAM_*, SLACK_*, SMTP_* and ALERTS_* (README, "Alerts"); a bad value is exit 2. */
function alertSettingsFromEnv(): NotifySettings {
  try {
    return readNotifyEnv(process.env);
  } catch (error) {
    if (error instanceof NotifyConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--venue-url`: the REST origin of a local simulated exchange, and its WebSocket origin. */
function simOrigin(text: string): { url: string; wsUrl: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--venue-url "${text}" is not a URL (e.g. http://127.0.0.1:41234)`);
  }
  if (url.protocol !== "http:" || !["127.0.0.1", "localhost"].includes(url.hostname) || url.port === "")
    throw new UsageError(`--venue-url must be http://127.0.0.1:PORT (a local simulated exchange), got "${text}"`);
  return { url: `http://127.0.0.1:${url.port}`, wsUrl: `ws://127.0.0.1:${url.port}` };
}
