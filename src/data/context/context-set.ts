import type { Timeframe } from "../../domain/timeframe.js";
import type { FetchTextOptions } from "./context-fetch.js";
import { type FearGreedPoint, FearGreedProvider } from "./fear-greed.js";
import { type HeadlineScorer, SentimentProvider, type SentimentReading } from "./headline-sentiment.js";
import { type IndexBarSource, MacroIndexProvider } from "./macro-bars.js";
import type { Headline } from "./news-feed.js";
import { type NewsFeedSource, NewsProvider } from "./news-provider.js";
import type { PollReport, SeenObservation } from "./observation-index.js";
import type { ContextObservationLog } from "./observation-log.js";
import { type WhaleFeed, WhaleFlowProvider } from "./whale-flows.js";

export interface ContextSetOptions {
  readonly log: ContextObservationLog;
  readonly now: () => number;
  readonly feeds?: readonly NewsFeedSource[];
  readonly scorer?: HeadlineScorer;
  readonly fearGreedUrl?: string;
  readonly whale?: WhaleFeed;
  readonly macroSymbols?: readonly string[];
  readonly macroSource?: IndexBarSource;
  /** Bar length of the macro sources (default 1h). */
  readonly macroTimeframe?: Timeframe;
  readonly fetch?: FetchTextOptions;
}

/** What every provider knew at one instant (`aegis context show --at`). */
export interface ContextSnapshot {
  readonly at: number;
  readonly news: SeenObservation<readonly Headline[]> | { readonly missing: string };
  readonly sentiment: SeenObservation<SentimentReading> | { readonly missing: string };
  readonly fearGreed: SeenObservation<FearGreedPoint> | { readonly missing: string };
  readonly whale: SeenObservation<number> | { readonly missing: string };
  readonly macro: Readonly<Record<string, SeenObservation<number> | { readonly missing: string }>>;
}

/**
 * The context providers of one session over one observation log: live (polling the configured sources) or, built
 * with `replayContext`, only what the log holds, for backtests and `aegis context show`. Both answer `at(time)` from
 * the same records, so a backtest sees at each instant what the live session had seen by then.
 */
export class ContextSet {
  readonly news: NewsProvider;
  readonly sentiment: SentimentProvider;
  readonly fearGreed: FearGreedProvider;
  readonly whale: WhaleFlowProvider;
  readonly macro: ReadonlyMap<string, MacroIndexProvider>;

  constructor(options: ContextSetOptions) {
    const { log, now } = options;
    this.news = new NewsProvider({ log, now, feeds: options.feeds ?? [], fetch: options.fetch });
    this.sentiment = new SentimentProvider({ log, now, scorer: options.scorer });
    this.fearGreed = new FearGreedProvider({ log, now, url: options.fearGreedUrl, fetch: options.fetch });
    this.whale = new WhaleFlowProvider({ log, now, feed: options.whale });
    this.macro = new Map(
      (options.macroSymbols ?? ["SPY", "QQQ"]).map((symbol) => [
        symbol,
        new MacroIndexProvider({
          log,
          now,
          symbol,
          source: options.macroSource,
          ...(options.macroTimeframe ? { timeframe: options.macroTimeframe } : {}),
        }),
      ]),
    );
  }

  async load(through?: number): Promise<void> {
    await this.news.load(through);
    await this.sentiment.load(through);
    await this.fearGreed.load(through);
    await this.whale.load(through);
    for (const provider of this.macro.values()) await provider.load(through);
  }

  /** Polls every configured source once; the new headlines are scored. One failing source never stops the others. */
  async poll(): Promise<readonly PollReport[]> {
    const news = await this.news.poll();
    let scored: PollReport;
    try {
      const added = await this.sentiment.score(news.fresh);
      const note = this.sentiment.lastNote;
      scored = { source: this.sentiment.name, added, errors: note === undefined ? [] : [note], skipped: [] };
    } catch (error) {
      scored = { source: this.sentiment.name, added: 0, errors: [`sentiment: ${String(error)}`], skipped: [] };
    }
    const { fresh: _fresh, ...newsReport } = news;
    const reports: PollReport[] = [newsReport, scored, await this.fearGreed.poll(), await this.whale.poll()];
    for (const provider of this.macro.values()) reports.push(await provider.poll());
    return reports;
  }

  snapshot(at: number): ContextSnapshot {
    const or = <T>(value: T | undefined, missing: () => string) => value ?? { missing: missing() };
    return {
      at,
      news: or(this.news.at(at), () => this.news.missing(at)),
      sentiment: or(this.sentiment.at(at), () => this.sentiment.missing(at)),
      fearGreed: or(this.fearGreed.point(at), () => this.fearGreed.missing(at)),
      whale: or(this.whale.at(at), () => this.whale.missing(at)),
      macro: Object.fromEntries(
        [...this.macro].map(([symbol, provider]) => [symbol, or(provider.at(at), () => provider.missing(at))]),
      ),
    };
  }
}

/**
 * The providers as the log knew them, and nothing else: no source is polled. Pass `through` to load only what was
 * seen by then (a backtest ending there); `at(t)` never returns a record seen after `t` either way.
 */
export async function replayContext(
  log: ContextObservationLog,
  options: { readonly through?: number; readonly macroSymbols?: readonly string[] } = {},
): Promise<ContextSet> {
  const macroSymbols =
    options.macroSymbols ??
    (await log.sources()).filter((s) => s.startsWith("macro:")).map((s) => s.slice("macro:".length));
  const set = new ContextSet({
    log,
    now: () => {
      throw new Error("a replayed context has no clock: it does not poll");
    },
    macroSymbols,
  });
  await set.load(options.through);
  return set;
}
