import { join } from "node:path";
import type { Exchange } from "ccxt";
import { onRetrainEvents, retrainAlert } from "../../ai/ml/retrain/retraining-ml-strategy.js";
import { loadConfig } from "../../config/load-config.js";
import { configSchema } from "../../config/schema.js";
import { CcxtFeed } from "../../data/feed/ccxt-feed.js";
import { feedWithBookCache, OrderBookCache } from "../../data/feed/order-book-cache.js";
import { type Clock, systemClock } from "../../domain/clock.js";
import { defaultInstrument, type Instrument } from "../../domain/instrument.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { formatSessionStatus, RealizedBySymbol, sessionStatus } from "../../engine/trading/session-status.js";
import { closingAfter, type ShadowRunner } from "../../engine/trading/shadow-runner.js";
import { type EmergencyStopRequest, type SessionSlot, TradingSession } from "../../engine/trading/trading-session.js";
import { BookSlippage } from "../../execution/book-slippage.js";
import { marketHoursLayer } from "../../execution/market-hours-layer.js";
import { type SimExchange, startSimExchange } from "../../execution/sim-exchange/index.js";
import { fixedBps, noSlippage } from "../../execution/slippage.js";
import { connectCcxt } from "../../execution/venue/ccxt-connect.js";
import { createVenueClient } from "../../execution/venue/create-venue-client.js";
import { VenueCapabilityError } from "../../execution/venue/venue-capabilities.js";
import type { VenueClient } from "../../execution/venue/venue-client.js";
import { credentialsFromEnvironment, MissingCredentialsError } from "../../execution/venue/venue-credentials.js";
import {
  buildNotify,
  formatAlertsLine,
  NotifyConfigError,
  type NotifySettings,
  readNotifyEnv,
  sessionControl,
} from "../../notify/index.js";
import { feedHealthLayer } from "../../risk/limits/feed-health.js";
import { type RiskLayer, RiskShield } from "../../risk/shield.js";
import { withStoredConfig } from "../../server/store-control.js";
import { defaultStorePath, openRiskState, openStore } from "../../store/index.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { alertReadinessChecks } from "../alert-readiness.js";
import { llmReadinessChecks } from "../llm-health.js";
import { createFileLogger } from "../logger.js";
import { parseApiPort, type RunningApi, reportFolders, startTradeApi } from "../serve-api.js";
import { tolerateCcxtNetworkRejections } from "../tolerate-ccxt-rejections.js";
import { tradeAuditor } from "../trade-auditor.js";
import { contextMultipliers, regimeNow, TradeContext } from "../trade-context.js";
import { attachTradeLifecycle, LIFECYCLE_STRATEGY, startingLifecycleStrategy } from "../trade-lifecycle.js";
import { attachTradeRollback } from "../trade-rollback.js";
import { formatShadowsLine, startTradeShadows } from "../trade-shadows.js";
import { UsageError } from "../usage-error.js";
import { tradeAdvisor } from "./llm.js";
import { alpacaSettings, openAlpaca } from "./trade-alpaca.js";
import { isMultiMarket, LOCAL_ALPACA, openMultiMarket } from "./trade-markets.js";
import {
  formatAiStatus,
  loadMlSupport,
  strategyNamesPerSymbol,
  tradeSources,
  withConfigSlots,
} from "./trade-sources.js";

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

const MODES = ["paper", "testnet", "live"] as const;
/** Start prices of the simulated exchange's pairs (others start at 100). */
const SIM_START_PRICES: Readonly<Record<string, number>> = { BTC: 30_000, ETH: 2_000, SOL: 100, BNB: 300 };

/**
 * `aegis trade`: paper trading on live bars (simulated fills), against the embedded simulated exchange by
 * default, which speaks Binance's wire protocol so the same CCXT code path runs as against Binance itself.
 */
export async function tradeCommand(cli: TradeCliOptions, globals: { config?: string }): Promise<void> {
  const { config, source: configSource } = loadConfig({ file: globals.config });
  const options = withConfigSlots(cli, config.trading.slots);
  const mode = options.mode as (typeof MODES)[number];
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}, got "${options.mode}"`);
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
  // Alpaca's own API (paper or live account); alpaca-sim is the local stand-in.
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
  const contracts = mode !== "paper" && options.exchange === "binanceusdm";
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
  const storeUrl = options.store ?? config.store.url ?? defaultStorePath(config.dataDir);
  const store = await openStore(storeUrl);
  const sessionStore = new StoreSessionStore(store, options.exchange);
  const saved = await sessionStore.load(sessionName);
  let equity = () => cash;
  let ai: ReturnType<typeof tradeSources>;
  // `--strategy lifecycle`: the symbols trading the lifecycle's live strategy, and that strategy now.
  let lifecycleSymbols: string[];
  let lifecycleStart: Awaited<ReturnType<typeof startingLifecycleStrategy>> | undefined;
  try {
    lifecycleSymbols = [...strategyNamesPerSymbol(options.strategy, symbols)]
      .filter(([, names]) => names[0] === LIFECYCLE_STRATEGY)
      .map(([symbol]) => symbol);
    lifecycleStart =
      lifecycleSymbols.length > 0 ? await startingLifecycleStrategy(store, saved !== undefined) : undefined;
    await loadMlSupport(options.strategy, config.trading.retrain);
    // Strategies, AI sources and learners (trade-sources.ts); the session's equity once it runs.
    ai = tradeSources(
      {
        strategy: options.strategy,
        symbols,
        timeframe,
        learners: config.trading.learners,
        risk: config.risk,
        ...(lifecycleStart ? { lifecycle: lifecycleStart.strategy } : {}),
      },
      () => equity(),
    );
  } catch (error) {
    await store.close();
    throw error;
  }
  const strategies = ai.strategies;
  // The LLM advisor (llm.advisor or AI_MODEL): it may veto or shrink a trade, never open one.
  const late: {
    store?: Awaited<ReturnType<typeof openStore>>;
    session?: TradingSession;
    log?: (line: string) => void;
    context?: TradeContext;
    layers?: readonly RiskLayer[];
  } = { store };
  const llm = tradeAdvisor(config.llm, {
    record: (exchange) => (late.store as NonNullable<typeof late.store>).llm.insert(exchange),
    alert: (alert) => late.session?.bus.publish("ALERT", alert),
    decisionKey: (symbol, time) => `${sessionName}|${strategies.get(symbol)?.name}|${symbol}|${time}`,
    onRecordError: (error) => console.error(`an LLM exchange was not stored: ${(error as Error).message}`),
    replay: {
      get: (key) => (late.store as NonNullable<typeof late.store>).llmReplay.get(key),
      put: (answer) => (late.store as NonNullable<typeof late.store>).llmReplay.put(answer),
    },
    regime: (symbol) => regimeNow(late.session, symbol),
    multipliers: (_symbol, time) =>
      late.context && contextMultipliers(late.layers ?? [], config.risk.context, late.context.providers(), time),
  });
  // The auditor (llm.auditor): an audit every 15 min of market time, logged and stored; a suggestion alerts a person.
  const auditor = tradeAuditor(config.llm, {
    record: (exchange) => (late.store as NonNullable<typeof late.store>).llm.insert(exchange),
    onRecordError: (error) => console.error(`an LLM exchange was not stored: ${(error as Error).message}`),
    alert: (alert) => late.session?.bus.publish("ALERT", alert),
    log: (line) => late.log?.(line),
    clock: () => late.session?.options.clock.now() ?? Date.now(),
    series: () => late.session?.engine.slots[0]?.series(),
    context: () => late.context?.auditContext(late.session?.options.clock.now() ?? Date.now(), late.layers ?? []),
  });
  // The AI orchestrator's weights and the advisor's share in one combiner.
  const combiner = llm ? (ai.combiner ? ai.combiner.withWeights(llm.weights) : llm.combiner) : ai.combiner;
  const reportDirs = reportFolders(options.reports ?? []);

  let sim: SimExchange | undefined;
  let clock: Clock = systemClock;
  let exchange: Exchange | undefined;
  let local: { url: string; wsUrl: string } | undefined;
  // Equities (and crypto beside them) on the local Alpaca: markets, feed and clock come from trade-markets.ts.
  const multi = realAlpaca
    ? await openAlpaca({ mode, symbols, timeframe }).catch(async (error: unknown) => {
        await store.close();
        throw error;
      })
    : isMultiMarket(options.exchange)
      ? await openMultiMarket({ ...options, symbols, timeframe, speed, warmup, resumeAfter: saved?.close })
      : undefined;
  if (multi) clock = multi.clock;
  else if (venueOrigin !== undefined) {
    // A simulated exchange in another process: its market time, advanced at --speed from the time it tells now.
    local = venueOrigin;
    clock = await remoteSimClock(venueOrigin.url, speed);
    exchange = await connectCcxt({ exchangeId: "binance", local });
  } else if (options.exchange === "sim") {
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
    local = { url: sim.url, wsUrl: sim.wsUrl };
    exchange = await connectCcxt({ exchangeId: "binance", local });
  } else {
    exchange = await connectCcxt({ exchangeId: options.exchange, sandbox: mode === "testnet" });
  }
  // Market time per wall time: the local venues run at --speed, a real venue at 1.
  const clockSpeed = sim !== undefined || venueOrigin !== undefined || (multi !== undefined && !realAlpaca) ? speed : 1;
  const instruments = multi ? multi.instruments : await instrumentsOf(exchange as Exchange, symbols, contracts);
  // Testnet and live: orders go through the CCXT venue client, the same code against the local exchange as
  // against Binance; keys come from the environment only.
  let venueClient: VenueClient | undefined;
  if (mode !== "paper") {
    try {
      venueClient = multi
        ? await multi.venueClient()
        : await createVenueClient(
            local !== undefined
              ? { exchangeId: "binance", mode: "sim", local }
              : { exchangeId: options.exchange, mode: mode === "live" ? "live" : "testnet" },
          );
    } catch (error) {
      await sim?.close();
      await exchange?.close();
      await store.close();
      if (error instanceof MissingCredentialsError || error instanceof VenueCapabilityError)
        throw new UsageError(error.message);
      throw error;
    }
  }
  if (mode === "live")
    console.log(
      `LIVE trading on ${options.exchange}: ${symbols.join(", ")} from ${cash} ${instruments.get(symbols[0] as string)?.quote} of the account's funds; real orders, real money.`,
    );

  const books = multi?.books ?? new OrderBookCache(clock);
  const realized = new RealizedBySymbol();
  const fallback = config.backtest.slippageBps > 0 ? fixedBps(config.backtest.slippageBps) : noSlippage;
  const slippage = new BookSlippage({ books, fallback, maxAgeMs: Math.max(60_000, 2 * TIMEFRAMES[timeframe]) });
  const riskState = await openRiskState(store);
  // Configuration changed over the API applies from the next start (store.*, dataDir and trading.live excepted).
  const tradingConfig = await withStoredConfig(configSchema, config, store);
  // `context:` polls live sources on the market clock; their observations feed the shield's context layers.
  late.context = config.context
    ? new TradeContext(config.context, {
        log: store.contextObservations,
        clock: () => clock.now(),
        alert: (alert) => late.session?.bus.publish("ALERT", alert),
        logLine: (line) => late.log?.(line),
      })
    : undefined;
  const risk = createRiskRuntime(ai.riskFor(tradingConfig.risk), {
    store: riskState,
    ...(late.context ? { providers: late.context.providers() } : {}),
  });
  late.layers = risk.shield.layers;
  ai.loadPatterns(await store.learning.trades());
  const header = `Aegis ${mode} · ${multi ? multi.description : options.exchange === "sim" ? `simulated exchange (Binance wire) ×${speed}${venueOrigin ? ` at ${venueOrigin.url}` : ""}` : options.exchange} · ${timeframe}`;
  const display = new StatusDisplay(process.stdout);
  const log = createFileLogger({ dir: join(config.dataDir, "logs"), level: config.logLevel });
  late.log = (line) => log.info(line);
  await late.context?.start();
  const untolerate = tolerateCcxtNetworkRejections((error) =>
    log.warn({ error: error.message }, "a CCXT WebSocket future failed after a dropped connection; reconnecting"),
  );
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
  // The lifecycle's shadow strategies, started once the session is (their last steps are written before it closes).
  let shadows: ShadowRunner | undefined;
  let rollbacks: ReturnType<typeof attachTradeRollback> | undefined;
  let followLearner: (() => Promise<void>) | undefined;
  let lifecycle: ReturnType<typeof attachTradeLifecycle> | undefined;
  const session = new TradingSession({
    session: sessionName,
    slots: symbols.map(
      (symbol): SessionSlot => ({
        symbol,
        strategy: strategies.get(symbol) as SessionSlot["strategy"],
        instrument: instruments.get(symbol) as Instrument,
        sources: [...ai.sourcesFor(symbol), ...(llm ? [llm.advisor] : [])],
      }),
    ),
    ...(combiner ? { combiner } : {}),
    learning: ai.learning,
    timeframe,
    cash,
    ...(venueClient ? { venueClient, contracts } : {}),
    // Paper fills walk the venue's latest book (20 levels); without one, the configured fixed slippage.
    feed: multi
      ? multi.feed
      : feedWithBookCache(
          new CcxtFeed({ exchange: exchange as Exchange, timeframe, clock, settleMs: sim ? 0 : 1500, bookLevels: 20 }),
          books,
        ),
    simulated: {
      slippage,
      ...(multi ? { tradableBar: (s: string, t: number) => multi.hours.tradableBar(s, t, TIMEFRAMES[timeframe]) } : {}),
    },
    store: closingAfter(sessionStore, async () => {
      await shadows?.stop();
      await rollbacks?.idle();
      await lifecycle?.follower.idle();
      await late.context?.close();
    }),
    clock,
    warmupBars: warmup,
    // The step grace and the stale-feed limit are market time: at --speed 600 they would be 8 ms and 0.4 s of wall
    // time, under a busy machine's scheduling jitter, dropping bars as late and flagging live feeds stale. Floors in
    // wall time (1 s, 2 s) keep them; at speed 1 they change nothing.
    graceMs: Math.max(5_000, clockSpeed * 1_000),
    minStaleMs: clockSpeed * 2_000,
    spoolPath: join(config.dataDir, "spool", `${sessionName.replace(/[^\w.-]/g, "_")}.jsonl`),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    buildShield: (feed) =>
      new RiskShield([
        ...risk.shield.layers,
        feedHealthLayer(feed),
        ...(multi ? [marketHoursLayer(multi.hours, clock)] : []),
      ]),
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
    onStoreError: (error) => {
      log.error({ err: error }, "step not committed: no new entries until the store is back");
      alerts.notifier.raise(
        { kind: "error", level: "critical", time: clock.now(), title: "the store cannot be written: no new entries" },
        "store-error",
      );
    },
    onCommitted: (step) => {
      void followLearner?.();
      if (!stopping) void lifecycle?.check();
      void auditor?.tick();
      void late.context?.tick();
      realized.add(step.trades);
      for (const t of step.trades) log.info({ trade: t }, "trade closed");
      for (const e of step.events) log.info({ event: e }, e.type);
      alerts.notifier.noteClosedTrades(step.trades);
      if (options.status)
        display.show(
          [
            formatSessionStatus(sessionStatus(session, clock.now(), multi?.marketOf, realized), header),
            formatShadowsLine(shadows?.reports ?? []),
            ...formatAiStatus(ai.status()),
            formatAlertsLine(alerts.notifier.health()),
          ]
            .filter((line) => line !== undefined)
            .join("\n"),
          step.trades.length > 0,
        );
      if (maxSteps !== undefined && session.steps >= maxSteps) void stop("--steps reached");
    },
  });

  late.session = session;
  // A kill-switch trip rolls the strategy lifecycle back (before start: a restart replays a latched trip at once).
  // `--strategy lifecycle`: the slots follow the lifecycle's live strategy, swapped at a step boundary.
  lifecycle = lifecycleStart
    ? attachTradeLifecycle({
        session,
        store,
        sessionName,
        symbols: lifecycleSymbols,
        running: lifecycleStart.running,
        now: () => clock.now(),
        log,
      })
    : undefined;
  rollbacks = attachTradeRollback({
    session,
    store,
    config: tradingConfig,
    latches: riskState,
    log,
    afterRollback: () => void lifecycle?.check(),
  });
  // An online learner that blocks a strategy rolls the lifecycle back too (checked after every committed step).
  followLearner = ai.onlineLearner ? rollbacks.followLearner(ai.onlineLearner) : undefined;
  ai.attach(session);
  // `ml:…?retrain=`: each retrain (started, swapped in, rejected, failed) is an alert of the session.
  const stopRetrainAlerts = onRetrainEvents((event) => session.bus.publish("ALERT", retrainAlert(event)));
  equity = () => session.portfolio.equity();
  if (multi) session.monitor.expectBars((s, t) => multi.hours.tradableBar(s, t, TIMEFRAMES[timeframe]));
  for (const name of ["ALERT", "KILL_SWITCH", "ORDER_FILLED", "ORDER_REJECTED", "SIGNAL_REJECTED"] as const)
    session.bus.on(name, (payload) => log.info({ payload }, name));
  // Alerts pace themselves on the wall clock (the services' rate limits are in real seconds), not on market time.
  const control = sessionControl({
    session,
    clock,
    header,
    requestStop: async (request) => {
      await store.latches.set(stopRequestKey(sessionName), JSON.stringify(request), Date.now());
      await store.events.append({
        time: Date.now(),
        kind: "stop.requested",
        source: "telegram",
        detail: { ...request, sessions: [sessionName] },
      });
    },
    recentTrades: async (limit) => (await store.trades.range({ from: clock.now() - 30 * 86_400_000 })).slice(-limit),
  });
  const alerts = buildNotify(alertSettings, { clock: systemClock, logger: log, reports: control, control });
  alerts.notifier.attach(session.bus);
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ why }, "trade stop");
      console.error(`stopping (${why}): finishing the step, saving, closing connections…`);
      await api?.close().catch(() => {});
      await alerts.commands?.stop();
      await session.stop();
      stopRetrainAlerts();
      // After the session: the last alerts (an emergency stop, the final fills) get their one last try.
      await alerts.notifier.close();
      await venueClient?.close().catch(() => {});
      await riskState.close().catch(() => {});
      await sim?.close();
      await multi?.close();
      untolerate();
      display.release();
      console.log(
        formatSessionStatus(sessionStatus(session, clock.now(), multi?.marketOf, realized), `${header} · stopped`),
      );
      for (const line of formatAiStatus(ai.status())) console.log(line);
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
  console.log(`  alerts: ${alerts.description}`);
  console.log(`  llm advisor: ${llm ? llm.description : "off"}`);
  console.log(`  llm auditor: ${auditor ? auditor.description : "off"}`);
  log.info({ alerts: alerts.description }, "alerts");
  await session.start();
  await lifecycle?.started();
  shadows = await startTradeShadows({ session, store, config: tradingConfig, latches: riskState, log });
  if (shadows.candidates.length > 0) console.log(`  shadow strategies beside it: ${shadows.candidates.join(", ")}`);
  alerts.notifier.startSchedules();
  alerts.commands?.start();
  if (options.api !== false) {
    const apiParts = { session, name: sessionName, store, risk: riskState, config: tradingConfig, log };
    api = await startTradeApi({
      ...apiParts,
      configSource,
      storeUrl,
      port: apiPort,
      reportDirs,
      now: Date.now,
      onStop: (request) => void stop(`emergency stop by ${request.by} (API): ${request.reason}`),
    }).catch(async (error: unknown) => {
      await stop("the API could not start");
      throw error;
    });
    for (const check of alertReadinessChecks(() => alerts.notifier.health())) api.readiness.register(check);
    if (llm) for (const check of llmReadinessChecks(llm.bridge)) api.readiness.register(check);
    if (auditor) for (const check of llmReadinessChecks(auditor.bridge)) api.readiness.register(check);
    console.log(`  dashboard and API: ${api.url}/ (controls need the token in ${api.tokenFile})`);
  }
  if (session.resumedFrom)
    console.log(`  resumed from the step closing at ${new Date(session.resumedFrom.close).toISOString()}`);
  console.log("  Ctrl-C stops (the step in progress is finished and saved).\n");
  await stopped;
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

/** Exchanges testnet and live can trade (a venue client and its keys exist for them). */
const VENUE_EXCHANGES = ["binance", "binanceusdm"];

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

/** The market clock of a simulated exchange in another process, running at `speed` from its current time. */
async function remoteSimClock(url: string, speed: number): Promise<Clock> {
  let serverTime: number;
  try {
    const answer = (await (await fetch(`${url}/api/v3/time`)).json()) as { serverTime?: unknown };
    serverTime = Number(answer.serverTime);
  } catch (error) {
    throw new UsageError(`--venue-url ${url}: no simulated exchange answers there (${(error as Error).message})`);
  }
  if (!Number.isFinite(serverTime)) throw new UsageError(`--venue-url ${url}: the answer to /api/v3/time has no time`);
  const wall = Date.now();
  return {
    now: () => serverTime + (Date.now() - wall) * speed,
    setTimer: (ms, callback) => systemClock.setTimer(ms / speed, callback),
  };
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

/** Tick, lot, minimums and fees of each symbol from the exchange's market list. */
async function instrumentsOf(
  exchange: Exchange,
  symbols: readonly string[],
  contracts = false,
): Promise<Map<string, Instrument>> {
  const markets = await exchange.loadMarkets();
  const out = new Map<string, Instrument>();
  for (const symbol of symbols) {
    // A USDⓈ-M perpetual is listed as BTC/USDT:USDT; the session trades it as BTC/USDT.
    const m = markets[contracts ? `${symbol}:${symbol.split("/")[1]}` : symbol];
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
        ...(contracts ? { kind: "perpetual" as const } : {}),
      }),
    );
  }
  return out;
}
