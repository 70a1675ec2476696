import { join } from "node:path";
import type { Exchange } from "ccxt";
import { loadConfig } from "../../config/load-config.js";
import { configSchema } from "../../config/schema.js";
import { CcxtFeed } from "../../data/feed/ccxt-feed.js";
import { type Clock, systemClock } from "../../domain/clock.js";
import { defaultInstrument, type Instrument } from "../../domain/instrument.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { formatSessionStatus, sessionStatus } from "../../engine/trading/session-status.js";
import { type EmergencyStopRequest, type SessionSlot, TradingSession } from "../../engine/trading/trading-session.js";
import { type SimExchange, startSimExchange } from "../../execution/sim-exchange/index.js";
import { connectCcxt } from "../../execution/venue/ccxt-connect.js";
import { feedHealthLayer } from "../../risk/limits/feed-health.js";
import { RiskShield } from "../../risk/shield.js";
import { withStoredConfig } from "../../server/store-control.js";
import { defaultStorePath, openRiskState, openStore } from "../../store/index.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import { createFileLogger } from "../logger.js";
import { parseApiPort, type RunningApi, startTradeApi } from "../serve-api.js";
import { UsageError } from "../usage-error.js";

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
  steps?: string;
  warmup: string;
  seed: string;
  status: boolean;
  /** `--api-port` (default api.port, 8420; 0 = any free port) and `--no-api`. */
  apiPort?: string;
  api?: boolean;
}

const MODES = ["paper", "testnet", "live"] as const;
/** Start prices of the simulated exchange's pairs (others start at 100). */
const SIM_START_PRICES: Readonly<Record<string, number>> = { BTC: 30_000, ETH: 2_000, SOL: 100, BNB: 300 };

/**
 * `aegis trade`: paper trading on live bars (simulated fills), against the embedded simulated exchange by
 * default, which speaks Binance's wire protocol so the same CCXT code path runs as against Binance itself.
 */
export async function tradeCommand(options: TradeCliOptions, globals: { config?: string }): Promise<void> {
  const { config, source: configSource } = loadConfig({ file: globals.config });
  const mode = options.mode as (typeof MODES)[number];
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}, got "${options.mode}"`);
  if (mode !== "paper") {
    // Orders at a venue: the double gate for live first, then what is and is not wired.
    if (mode === "live" && !(options.live === true && config.trading.live === true)) {
      throw new UsageError(
        "live trading needs both `trading.live: true` in the config file and --live on the command line; " +
          `got trading.live=${config.trading.live} and --live=${options.live === true}`,
      );
    }
    throw new UsageError(
      `--mode ${mode}: order routing to a venue is not available in this version; the venue client ` +
        "(src/execution/venue) is tested against the local exchange but not yet wired into the trading session. " +
        "Use --mode paper.",
    );
  }
  const timeframe = options.timeframe as Timeframe;
  if (!(timeframe in TIMEFRAMES))
    throw new UsageError(`--timeframe ${options.timeframe} is not one of ${Object.keys(TIMEFRAMES).join(", ")}`);
  const symbols = options.symbols
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "");
  if (symbols.length === 0) throw new UsageError("--symbols names no symbol (e.g. BTC/USDT,ETH/USDT)");
  for (const s of symbols)
    if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s)) throw new UsageError(`--symbols: "${s}" is not BASE/QUOTE`);
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
  const strategies = strategyPerSymbol(options.strategy, symbols);
  const apiPort = parseApiPort(options.apiPort);

  const storeUrl = options.store ?? config.store.url ?? defaultStorePath(config.dataDir);
  const store = await openStore(storeUrl);
  const sessionStore = new StoreSessionStore(store, options.exchange);
  const sessionName = options.session ?? `paper-${options.exchange}-${timeframe}`;
  const saved = await sessionStore.load(sessionName);

  let sim: SimExchange | undefined;
  let clock: Clock = systemClock;
  let exchange: Exchange;
  if (options.exchange === "sim") {
    // The embedded market is the same seeded path on every start; a resumed session continues where it stopped.
    const startTime = Date.UTC(2024, 0, 1);
    const warmMinutes = (warmup + 10) * (TIMEFRAMES[timeframe] / 60_000);
    const historyBars = Math.max(1000, warmMinutes, saved ? Math.ceil((saved.close - startTime) / 60_000) : 0);
    if (timeframe !== "1m" && speed < 60)
      console.error(
        `note: the simulated exchange makes one ${timeframe} bar per ${TIMEFRAMES[timeframe] / 60_000 / speed} min of wall time at --speed ${speed}`,
      );
    sim = await startSimExchange({
      markets: [...new Set(symbols.map((s) => s.split("/")[0] as string))].map((base) => ({
        base,
        quote: (symbols.find((s) => s.startsWith(`${base}/`)) as string).split("/")[1] as string,
        startPrice: SIM_START_PRICES[base] ?? 100,
      })),
      seed: options.seed,
      clock: "realtime",
      speed,
      startTime,
      historyBars,
      // Thirty days of market ahead of the start: twelve hours of wall time at --speed 60.
      bars: historyBars + 43_200,
    });
    const market = sim;
    // The session runs on the exchange's market time, which runs `speed` times faster than the wall clock.
    clock = { now: () => market.now(), setTimer: (ms, callback) => systemClock.setTimer(ms / speed, callback) };
    exchange = await connectCcxt({ exchangeId: "binance", local: { url: sim.url, wsUrl: sim.wsUrl } });
  } else {
    exchange = await connectCcxt({ exchangeId: options.exchange });
  }
  const instruments = await instrumentsOf(exchange, symbols);

  const riskState = await openRiskState(store);
  // Configuration changed over the API applies from the next start (store.*, dataDir and trading.live excepted).
  const tradingConfig = await withStoredConfig(configSchema, config, store);
  const risk = createRiskRuntime(tradingConfig.risk, { store: riskState });
  const header = `Aegis ${mode} · ${options.exchange === "sim" ? `simulated exchange (Binance wire) ×${speed}` : options.exchange} · ${timeframe}`;
  const display = new StatusDisplay(process.stdout);
  const log = createFileLogger({ dir: join(config.dataDir, "logs"), level: config.logLevel });
  log.info(
    { mode, exchange: options.exchange, symbols, timeframe, session: sessionName, store: store.location },
    "trade start",
  );
  let stopping: Promise<void> | undefined;
  let api: RunningApi | undefined;
  let markStopped: () => void = () => {};
  // Resolves once a stop (Ctrl-C, SIGTERM, --steps, `aegis stop`) has finished saving and closing.
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const session = new TradingSession({
    session: sessionName,
    slots: symbols.map(
      (symbol): SessionSlot => ({
        symbol,
        strategy: strategies.get(symbol) as SessionSlot["strategy"],
        instrument: instruments.get(symbol) as Instrument,
      }),
    ),
    timeframe,
    cash,
    feed: new CcxtFeed({ exchange, timeframe, clock, settleMs: sim ? 0 : 1500 }),
    store: sessionStore,
    clock,
    warmupBars: warmup,
    spoolPath: join(config.dataDir, "spool", `${sessionName.replace(/[^\w.-]/g, "_")}.jsonl`),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    buildShield: (feed) => new RiskShield([...risk.shield.layers, feedHealthLayer(feed)]),
    ...(risk.positionManager ? { positionManager: risk.positionManager } : {}),
    ...(risk.regimeColumn ? { regimeColumn: risk.regimeColumn } : {}),
    control: async () => {
      const key = stopRequestKey(sessionName);
      const raw = await store.latches.get(key);
      if (raw === undefined) return undefined;
      await store.latches.delete(key);
      return JSON.parse(raw) as EmergencyStopRequest;
    },
    onEmergencyStop: (request) => void stop(`emergency stop by ${request.by}: ${request.reason}`),
    onStoreError: (error) => log.error({ err: error }, "step not committed: no new entries until the store is back"),
    onCommitted: (step) => {
      for (const t of step.trades) log.info({ trade: t }, "trade closed");
      for (const e of step.events) log.info({ event: e }, e.type);
      if (options.status)
        display.show(formatSessionStatus(sessionStatus(session, clock.now()), header), step.trades.length > 0);
      if (maxSteps !== undefined && session.steps >= maxSteps) void stop("--steps reached");
    },
  });

  for (const name of ["ALERT", "KILL_SWITCH", "ORDER_FILLED", "ORDER_REJECTED", "SIGNAL_REJECTED"] as const)
    session.bus.on(name, (payload) => log.info({ payload }, name));
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ why }, "trade stop");
      console.error(`stopping (${why}): finishing the step, saving, closing connections…`);
      await api?.close().catch(() => {});
      await session.stop();
      await riskState.close().catch(() => {});
      await sim?.close();
      display.release();
      console.log(formatSessionStatus(sessionStatus(session, clock.now()), `${header} · stopped`));
      console.log(
        `\nEverything is in ${store.location}: \`aegis export trades --store ${storeUrl}\` lists the trades.`,
      );
    })().finally(markStopped);
    return stopping;
  };
  process.once("SIGINT", () => void stop("Ctrl-C"));
  process.once("SIGTERM", () => void stop("SIGTERM"));

  console.log(
    `${header}\n  trading ${symbols.map((s) => `${s} with ${strategies.get(s)?.name}`).join(", ")} from ${cash} ${instruments.get(symbols[0] as string)?.quote}; session "${sessionName}" in ${store.location}`,
  );
  await session.start();
  if (options.api !== false) {
    const apiParts = { session, name: sessionName, store, risk: riskState, config: tradingConfig, log };
    api = await startTradeApi({
      ...apiParts,
      configSource,
      port: apiPort,
      now: Date.now,
      onStop: (request) => void stop(`emergency stop by ${request.by} (API): ${request.reason}`),
    }).catch(async (error: unknown) => {
      await stop("the API could not start");
      throw error;
    });
    console.log(`  dashboard and API: ${api.url}/ (controls need the token in ${api.tokenFile})`);
  }
  if (session.resumedFrom)
    console.log(`  resumed from the step closing at ${new Date(session.resumedFrom.close).toISOString()}`);
  console.log("  Ctrl-C stops (the step in progress is finished and saved).\n");
  await stopped;
}

/** Where `aegis stop` leaves its request for a running session (a latch in the store). */
export function stopRequestKey(session: string): string {
  return `control:stop:${session}`;
}

/**
 * Prints the status block: redrawn in place on a terminal (at most every 250 ms), appended on a pipe or a log file
 * (every 10 s, and whenever a trade closed) so that a log stays readable.
 */
class StatusDisplay {
  readonly #out: NodeJS.WriteStream;
  #lines = 0;
  #last = 0;
  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }
  show(text: string, important: boolean): void {
    const now = Date.now();
    const tty = this.#out.isTTY === true;
    if (now - this.#last < (tty ? 250 : 10_000) && !important) return;
    this.#last = now;
    if (tty && this.#lines > 0) this.#out.write(`\x1b[${this.#lines}A\x1b[J`);
    this.#out.write(`${text}\n`);
    this.#lines = tty ? text.split("\n").length : 0;
  }
  /** Later output goes below the block instead of over it. */
  release(): void {
    this.#lines = 0;
  }
}

/** `--strategy NAME` for every symbol, or `--strategy BTC/USDT=NAME` per symbol (one strategy per symbol). */
function strategyPerSymbol(specs: readonly string[], symbols: readonly string[]) {
  const chosen = new Map<string, ReturnType<typeof loadStrategy>>();
  const all = specs.filter((s) => !s.includes("="));
  if (all.length > 1)
    throw new UsageError(`several strategies for every symbol (${all.join(", ")}): give SYMBOL=NAME for each`);
  for (const spec of specs.filter((s) => s.includes("="))) {
    const [symbol, name] = spec.split("=") as [string, string];
    const key = symbol.trim().toUpperCase();
    if (!symbols.includes(key)) throw new UsageError(`--strategy ${spec}: ${key} is not among --symbols`);
    if (chosen.has(key)) throw new UsageError(`--strategy: two strategies for ${key}; one strategy per symbol`);
    chosen.set(key, loadStrategy(name.trim()));
  }
  for (const symbol of symbols) if (!chosen.has(symbol)) chosen.set(symbol, loadStrategy(all[0] ?? "sma-cross"));
  return chosen;
}

/** Tick, lot, minimums and fees of each symbol from the exchange's market list. */
async function instrumentsOf(exchange: Exchange, symbols: readonly string[]): Promise<Map<string, Instrument>> {
  const markets = await exchange.loadMarkets();
  const out = new Map<string, Instrument>();
  for (const symbol of symbols) {
    const m = markets[symbol];
    if (!m) throw new UsageError(`${exchange.id} does not list ${symbol}`);
    const tick = Number(m.precision?.price);
    const lot = Number(m.precision?.amount);
    out.set(
      symbol,
      defaultInstrument(symbol, {
        ...(tick > 0 ? { tickSize: tick } : {}),
        ...(lot > 0 ? { lotSize: lot, minQuantity: Number(m.limits?.amount?.min) || lot } : {}),
        ...(Number(m.limits?.cost?.min) > 0 ? { minNotional: Number(m.limits?.cost?.min) } : {}),
        makerFee: Number(m.maker ?? 0.001),
        takerFee: Number(m.taker ?? 0.001),
      }),
    );
  }
  return out;
}
