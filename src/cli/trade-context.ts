import type { FetchTextOptions } from "../data/context/context-fetch.js";
import { ContextSet } from "../data/context/context-set.js";
import type { LiveContextConfig } from "../data/context/live-context-config.js";
import type { IndexBarSource } from "../data/context/macro-bars.js";
import type { PollReport } from "../data/context/observation-index.js";
import type { ContextObservationLog } from "../data/context/observation-log.js";
import { WhaleAlertFeed } from "../data/context/whale-flows.js";
import { withAlpacaStockBars } from "../data/feed/alpaca-stock-bars.js";
import type { TradingSession } from "../engine/trading/trading-session.js";
import {
  AlpacaBaseUrlError,
  type AlpacaConnectOptions,
  alpacaBaseUrl,
  alpacaExchange,
} from "../execution/venue/alpaca-connect.js";
import { credentialsFromEnvironment, MissingCredentialsError } from "../execution/venue/venue-credentials.js";
import type { AuditContext } from "../research/llm/auditor.js";
import type { ContextConfig, ContextProviders } from "../risk/context/config.js";
import { MacroRiskLayer } from "../risk/context/macro.js";
import type { ContextProvider } from "../risk/context/provider.js";
import { sentimentMultiplier } from "../risk/context/sentiment.js";
import { WhaleInflowLayer } from "../risk/context/whale.js";
import type { RiskLayer } from "../risk/shield.js";
import { UsageError } from "./usage-error.js";

export interface TradeContextParts {
  readonly log: ContextObservationLog;
  /** The session's market clock. */
  readonly clock: () => number;
  readonly alert: (payload: { time: number; level: "info" | "warning"; message: string; kind: string }) => void;
  readonly logLine: (line: string) => void;
  readonly fetch?: FetchTextOptions;
  readonly env?: NodeJS.ProcessEnv;
}

/** The observation source of poll failures and recoveries ({ source, error: string | null }). */
export const CONTEXT_FAILURE_SOURCE = "context-failure";

/**
 * The context providers inside `aegis trade`: polled every `pollMinutes` of market time, stored point-in-time, and
 * read by the shield's whale and sentiment layers, the advisor's prompt and the auditor. A source that fails leaves
 * its layer neutral (no fresh value: the layer says why in every verdict); the failure is logged and alerted once,
 * and its recovery too. Trading never waits for a poll.
 */
export class TradeContext {
  readonly set: ContextSet;
  readonly config: LiveContextConfig;
  /** Why each failing source failed at its last poll. */
  readonly failing = new Map<string, string>();
  readonly #parts: TradeContextParts;
  #nextPoll = Number.NEGATIVE_INFINITY;
  #polling: Promise<void> | undefined;
  #providers: ContextProviders | undefined;
  #closed = false;
  polls = 0;

  constructor(config: LiveContextConfig, parts: TradeContextParts) {
    const env = parts.env ?? process.env;
    let whale: WhaleAlertFeed | undefined;
    if (config.whale) {
      const apiKey = env[config.whale.apiKeyEnv];
      if (!apiKey) throw new UsageError(`context.whale needs the Whale Alert API key in ${config.whale.apiKeyEnv}`);
      whale = new WhaleAlertFeed({ apiKey, ...(config.whale.url ? { url: config.whale.url } : {}) });
    }
    const macroSource = config.macro ? alpacaIndexBars(env) : undefined;
    this.config = config;
    this.#parts = parts;
    this.set = new ContextSet({
      log: parts.log,
      now: parts.clock,
      feeds: config.rss,
      ...(config.fearGreedUrl ? { fearGreedUrl: config.fearGreedUrl } : {}),
      ...(whale ? { whale } : {}),
      macroSymbols: config.macro?.symbols ?? [],
      ...(macroSource ? { macroSource } : {}),
      ...(config.macro ? { macroTimeframe: config.macro.timeframe } : {}),
      ...(parts.fetch ? { fetch: parts.fetch } : {}),
    });
  }

  /** Loads what earlier sessions stored and scores any headline stored but not yet scored when they stopped. */
  async start(): Promise<void> {
    await this.set.load();
    try {
      const rescored = await this.set.sentiment.scoreUnscored(this.set.news);
      if (rescored > 0) this.#parts.logLine(`context: scored ${rescored} headline(s) stored before the last stop`);
    } catch (error) {
      this.#parts.logLine(`context: headlines stored before the last stop were not scored: ${String(error)}`);
    }
  }

  /**
   * The series the risk shield's context layers read (only the configured live sources). While a source's last
   * poll failed its series reads as empty, so its layer is neutral and names the failure, rather than trading on
   * the value from before the source went quiet.
   */
  providers(): ContextProviders {
    // Built once: the shield holds them for the session and the advisor's multipliers read them at every question.
    this.#providers ??= {
      macro: Object.fromEntries(
        [...this.set.macro].map(([symbol, provider]) => [symbol, this.#gated(provider.name, provider)]),
      ),
      ...(this.config.whale ? { whale: this.#gated("whale", this.set.whale) } : {}),
      ...(this.config.fearGreedUrl ? { sentiment: this.#gated("fear-greed", this.set.fearGreed) } : {}),
    };
    return this.#providers;
  }

  #gated(source: string, provider: ContextProvider<number>): ContextProvider<number> {
    const between = provider.between?.bind(provider);
    return {
      name: provider.name,
      at: (time) => (this.failing.has(source) ? undefined : provider.at(time)),
      ...(between
        ? { between: (after: number, through: number) => (this.failing.has(source) ? [] : between(after, through)) }
        : {}),
      missing: (time) => {
        const failure = this.failing.get(source);
        return failure !== undefined ? `${source} failing: ${failure}` : (provider.missing?.(time) ?? "no value");
      },
    };
  }

  /** Polls when one is due on the market clock (call after each committed step); never throws, never overlaps. */
  tick(): Promise<void> {
    const now = this.#parts.clock();
    if (this.#closed || this.#polling !== undefined || now < this.#nextPoll) return this.#polling ?? Promise.resolve();
    this.#nextPoll = now + this.config.pollMinutes * 60_000;
    this.#polling = this.set
      .poll()
      .then((reports) => this.#review(reports, now))
      .catch((error: unknown) =>
        this.#review([{ source: "context", added: 0, errors: [String(error)], skipped: [] }], now),
      )
      .finally(() => {
        this.#polling = undefined;
        this.polls++;
      });
    return this.#polling;
  }

  /**
   * No poll after this; resolves once the one in flight is stored. Called before the store closes: the session's
   * last step starts no poll, and what an earlier one saw is not lost to a closed store.
   */
  close(): Promise<void> {
    this.#closed = true;
    return this.#polling ?? Promise.resolve();
  }

  async #review(reports: readonly PollReport[], time: number): Promise<void> {
    const failures: { source: string; error: string | null }[] = [];
    const wanted = new Set<string>([
      "context",
      ...(this.config.rss.length > 0 ? ["news", "sentiment"] : []),
      ...(this.config.fearGreedUrl ? ["fear-greed"] : []),
      ...(this.config.whale ? ["whale"] : []),
      ...[...this.set.macro.values()].map((provider) => provider.name),
    ]);
    for (const report of reports) {
      if (!wanted.has(report.source)) continue;
      const error = report.errors.join("; ");
      const was = this.failing.get(report.source);
      if (error !== "") {
        this.failing.set(report.source, error);
        // Stored when a failure starts or its reason changes, not on every poll of a long outage.
        if (was !== error) failures.push({ source: report.source, error });
        this.#parts.logLine(`context ${report.source}: poll failed, its layer stays neutral: ${error}`);
        if (was === undefined)
          this.#parts.alert({
            time,
            level: "warning",
            kind: "context",
            message: `context source ${report.source} failed; its risk layer is neutral until it answers: ${error}`,
          });
      } else if (was !== undefined) {
        this.failing.delete(report.source);
        failures.push({ source: report.source, error: null });
        this.#parts.alert({
          time,
          level: "info",
          kind: "context",
          message: `context source ${report.source} answers again`,
        });
      }
    }
    // Failures and recoveries are observations too: a replay knows when a layer ran neutral and why.
    if (failures.length > 0) {
      await this.#parts.log
        .record(
          failures.map((f) => ({
            source: CONTEXT_FAILURE_SOURCE,
            itemKey: `${f.source}|${time}`,
            seenAt: time,
            value: f,
          })),
        )
        .catch((error: unknown) => this.#parts.logLine(`context: a poll failure was not stored: ${String(error)}`));
    }
  }

  /** What the auditor reads: headline sentiment (or fear-and-greed rescaled), whale risk, the global risk level. */
  auditContext(time: number, layers: readonly RiskLayer[]): Partial<AuditContext> {
    const headlines = this.set.sentiment.at(time);
    const fearGreed = this.set.fearGreed.at(time);
    const sentiment =
      headlines !== undefined
        ? headlines.value.compound
        : fearGreed !== undefined
          ? (fearGreed.value - 50) / 50
          : undefined;
    const whale = layers.find((l): l is WhaleInflowLayer => l instanceof WhaleInflowLayer);
    const macro = layers.find((l): l is MacroRiskLayer => l instanceof MacroRiskLayer);
    const whaleRisk = this.config.whale ? whale?.status(time).active === true : undefined;
    return {
      ...(sentiment !== undefined ? { sentiment: Number(sentiment.toFixed(3)) } : {}),
      ...(whaleRisk !== undefined ? { whaleRisk } : {}),
      globalRiskLevel: macro?.status() !== undefined || whaleRisk === true ? "high" : "normal",
    };
  }
}

/**
 * The context multipliers at an instant, as the shield's layers apply them to a long entry: what the advisor's
 * prompt shows ("sentiment 0.8, whale 0.7"). A layer without fresh data is 1 (neutral), as in the shield.
 */
export function contextMultipliers(
  layers: readonly RiskLayer[],
  config: ContextConfig,
  providers: ContextProviders,
  time: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const layer of layers) {
    if (layer instanceof WhaleInflowLayer) out.whale = layer.status(time).active ? config.whale.scale : 1;
    else if (layer instanceof MacroRiskLayer) out.macro = layer.status() !== undefined ? config.macro.scale : 1;
    else if (layer.name === "sentiment") {
      const point = providers.sentiment?.at(time);
      const { mode, shape, min, max } = config.sentiment;
      out.sentiment = point === undefined ? 1 : sentimentMultiplier(point.value, { mode, shape, min, max });
    }
  }
  return out;
}

/** The regime of a symbol's slot at its latest bar, when a detector runs. */
export function regimeNow(session: TradingSession | undefined, symbol: string): string | undefined {
  const slot = session?.engine.slots.find((s) => s.config.symbol === symbol);
  if (session === undefined || slot === undefined) return undefined;
  const series = slot.series();
  if (series.length === 0) return undefined;
  const regime = session.engine.snapshot(slot, series.length - 1).regime;
  return regime === undefined ? undefined : String(regime);
}

/**
 * Alpaca's stock bars as the macro layer's index source: the CCXT `alpaca` client of the stock path, connected at
 * the first poll (a failure there is that poll's error, the session trades on). Keys and base URL are checked now.
 */
function alpacaIndexBars(env: NodeJS.ProcessEnv): IndexBarSource {
  let options: AlpacaConnectOptions;
  try {
    const baseUrl = alpacaBaseUrl(env);
    options = {
      credentials: credentialsFromEnvironment("alpaca", "testnet", env),
      mode: "testnet",
      ...(baseUrl !== undefined ? { baseUrl } : {}),
    };
  } catch (error) {
    if (error instanceof MissingCredentialsError || error instanceof AlpacaBaseUrlError)
      throw new UsageError(`context.macro: ${error.message}`);
    throw error;
  }
  let client: Promise<IndexBarSource> | undefined;
  return {
    fetchOHLCV: async (symbol, timeframe, since, limit) => {
      // A failed connection is tried again at the next poll.
      client ??= alpacaExchange(options)
        .then((exchange) => withAlpacaStockBars(exchange))
        .catch((error: unknown) => {
          client = undefined;
          throw error;
        });
      return (await client).fetchOHLCV(symbol, timeframe, since, limit);
    },
  };
}
