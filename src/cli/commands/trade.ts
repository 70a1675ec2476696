import { join } from "node:path";
import type { Exchange } from "ccxt";
import { onRetrainEvents, retrainAlert } from "../../ai/ml/retrain/retraining-ml-strategy.js";
import { loadConfig } from "../../config/load-config.js";
import { configSchema } from "../../config/schema.js";
import { CcxtFeed } from "../../data/feed/ccxt-feed.js";
import { feedWithBookCache, OrderBookCache } from "../../data/feed/order-book-cache.js";
import { systemClock } from "../../domain/clock.js";
import type { Instrument } from "../../domain/instrument.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { formatSessionStatus, RealizedBySymbol, sessionStatus } from "../../engine/trading/session-status.js";
import { closingAfter, type ShadowRunner } from "../../engine/trading/shadow-runner.js";
import { type EmergencyStopRequest, type SessionSlot, TradingSession } from "../../engine/trading/trading-session.js";
import { BookSlippage } from "../../execution/book-slippage.js";
import { marketHoursLayer } from "../../execution/market-hours-layer.js";
import { fixedBps, noSlippage } from "../../execution/slippage.js";
import { buildNotify, formatAlertsLine, sessionControl } from "../../notify/index.js";
import { feedHealthLayer } from "../../risk/limits/feed-health.js";
import { type RiskLayer, RiskShield } from "../../risk/shield.js";
import { withStoredConfig } from "../../server/store-control.js";
import { defaultStorePath, openRiskState, openStore } from "../../store/index.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { alertReadinessChecks } from "../alert-readiness.js";
import { llmReadinessChecks } from "../llm-health.js";
import { createFileLogger } from "../logger.js";
import { type RunningApi, reportFolders, startTradeApi } from "../serve-api.js";
import { StatusDisplay } from "../status-display.js";
import { tolerateCcxtNetworkRejections } from "../tolerate-ccxt-rejections.js";
import { tradeAuditor } from "../trade-auditor.js";
import { contextMultipliers, regimeNow, TradeContext } from "../trade-context.js";
import { attachTradeLifecycle, LIFECYCLE_STRATEGY, startingLifecycleStrategy } from "../trade-lifecycle.js";
import { attachTradeRollback } from "../trade-rollback.js";
import { formatShadowsLine, startTradeShadows } from "../trade-shadows.js";
import { tradeAdvisor } from "./llm.js";
import { parseTradeOptions, type TradeCliOptions } from "./trade-options.js";
import { formatAiStatus, loadMlSupport, strategyNamesPerSymbol, tradeSources } from "./trade-sources.js";
import { openTradeVenue } from "./trade-venue.js";

/**
 * `aegis trade`: paper trading on live bars (simulated fills), against the embedded simulated exchange by
 * default, which speaks Binance's wire protocol so the same CCXT code path runs as against Binance itself.
 */
export async function tradeCommand(cli: TradeCliOptions, globals: { config?: string }): Promise<void> {
  const { config, source: configSource } = loadConfig({ file: globals.config });
  const settings = parseTradeOptions(cli, config);
  const { options, mode, venueOrigin, timeframe, symbols, speed, cash, maxSteps, sessionName } = settings;
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

  const venue = await openTradeVenue(settings, saved).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const { sim, multi, exchange, clock, clockSpeed, instruments, venueClient } = venue;
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
    ...(venueClient ? { venueClient, contracts: settings.contracts } : {}),
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
    warmupBars: settings.warmup,
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
  const alerts = buildNotify(settings.alertSettings, { clock: systemClock, logger: log, reports: control, control });
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
      port: settings.apiPort,
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

/** Where `aegis stop` leaves its request for a running session (a latch in the store). */
export function stopRequestKey(session: string): string {
  return `control:stop:${session}`;
}
