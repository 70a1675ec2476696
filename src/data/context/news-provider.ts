import { ContextSourceError, type FetchTextOptions, fetchText } from "./context-fetch.js";
import { type Headline, parseNewsFeed } from "./news-feed.js";
import { formatInstantUtc, ObservationIndex, type PollReport, type SeenObservation } from "./observation-index.js";
import type { ContextObservationLog } from "./observation-log.js";

export interface NewsFeedSource {
  /** A short name for messages and the stored records ("coindesk"). */
  readonly name: string;
  readonly url: string;
}

export interface NewsProviderOptions {
  readonly log: ContextObservationLog;
  readonly now: () => number;
  /** Feeds to poll; none in a replay. */
  readonly feeds?: readonly NewsFeedSource[];
  /** `at(time)` returns the headlines seen in (time − window, time] (default 6 h). */
  readonly windowMs?: number;
  readonly fetch?: FetchTextOptions;
}

export const NEWS_SOURCE = "news";

/**
 * News headlines from RSS 2.0 and Atom feeds, point-in-time: a headline counts from the instant Aegis first saw it,
 * not from its stated publication time (feeds back-date and re-date items). Every new headline is written to the
 * observation log before `at` can return it, so a replay from the log sees the same headlines at the same instants.
 */
export class NewsProvider {
  readonly name = NEWS_SOURCE;
  readonly windowMs: number;
  readonly #index = new ObservationIndex(NEWS_SOURCE);
  readonly #options: NewsProviderOptions;

  constructor(options: NewsProviderOptions) {
    this.#options = options;
    this.windowMs = options.windowMs ?? 6 * 3_600_000;
    if (!(this.windowMs > 0)) throw new RangeError(`news window must be > 0 ms, got ${this.windowMs}`);
  }

  /** Loads what the log holds (a restart continues with what was seen; a replay sees only this). */
  async load(through?: number): Promise<void> {
    await this.#index.load(this.#options.log, through);
  }

  /**
   * Fetches every feed once. A feed that fails (HTTP error, timeout, junk) is named in `errors`; the others still
   * count, and nothing already stored is touched. Resolves with the report and the headlines that were new.
   */
  async poll(): Promise<PollReport & { readonly fresh: readonly Headline[] }> {
    const errors: string[] = [];
    const skipped: string[] = [];
    const found: Headline[] = [];
    for (const feed of this.#options.feeds ?? []) {
      try {
        const xml = await fetchText(feed.name, feed.url, { accept: ["xml", "rss", "atom"], ...this.#options.fetch });
        const parsed = parseNewsFeed(feed.name, xml);
        found.push(...parsed.headlines);
        skipped.push(...parsed.skipped.map((s) => `${feed.name}: ${s}`));
      } catch (error) {
        if (!(error instanceof ContextSourceError)) throw error;
        errors.push(error.message);
      }
    }
    const seenAt = this.#options.now();
    const records = found
      .filter((h) => !this.#index.has(`${h.feed}|${h.id}`))
      .map((h) => ({
        source: NEWS_SOURCE,
        itemKey: `${h.feed}|${h.id}`,
        seenAt,
        ...(h.published === undefined ? {} : { eventTime: h.published }),
        value: h,
      }));
    // The log first: a headline `at` can return is one a replay will also find.
    await this.#options.log.record(records);
    const fresh = this.#index.add(records).map((r) => r.value as Headline);
    return { source: NEWS_SOURCE, added: fresh.length, errors, skipped, fresh };
  }

  /** The headlines seen in (time − window, time], newest first, at the instant the newest was seen. */
  at(time: number): SeenObservation<readonly Headline[]> | undefined {
    const records = this.#index.between(time - this.windowMs, time);
    const last = records[records.length - 1];
    if (last === undefined) return undefined;
    return { value: records.map((r) => r.value as Headline).reverse(), time: last.seenAt };
  }

  /** Headlines seen in (after, through], oldest first. */
  headlinesBetween(after: number, through: number): readonly Headline[] {
    return this.#index.between(after, through).map((r) => r.value as Headline);
  }

  missing(time: number): string {
    const first = this.#index.first();
    if (first === undefined) return "no headline seen yet";
    if (first.seenAt > time) return `first headline seen ${formatInstantUtc(first.seenAt)}`;
    return `no headline seen in the ${this.windowMs / 3_600_000} h before ${formatInstantUtc(time)}`;
  }
}
