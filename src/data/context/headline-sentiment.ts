import vader from "vader-sentiment";
import type { Headline } from "./news-feed.js";
import { formatInstantUtc, ObservationIndex, type SeenObservation } from "./observation-index.js";
import type { ContextObservationLog } from "./observation-log.js";

/** Scores of a batch of headlines, one compound score in [−1, 1] per headline, and who scored them. */
export interface HeadlineScores {
  readonly scores: readonly number[];
  /** "vader", or the LLM's model name. */
  readonly method: string;
  /** Why the method is not the one configured (the LLM failed and VADER stood in), for the status. */
  readonly note?: string;
}

/** Scores headlines; the LLM scorer (ai/) and VADER share it. `asOf` is the instant the scoring is about. */
export interface HeadlineScorer {
  score(headlines: readonly Headline[], asOf: number): Promise<HeadlineScores>;
}

/** VADER's compound score of one text: −1 (most negative) … +1 (most positive), 0 neutral. */
export function vaderCompound(text: string): number {
  return vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

/**
 * The embedded default: VADER (Hutto & Gilbert 2014), a lexicon and rule model for short social-media text. No
 * network, no model to download, deterministic; it knows general English, not market slang ("BTC surges to record
 * high" scores 0), which is why the LLM is an option.
 */
export const vaderScorer: HeadlineScorer = {
  async score(headlines) {
    return { scores: headlines.map((h) => vaderCompound(h.title)), method: "vader" };
  },
};

/** Sentiment of the headlines seen in a window: mean compound and the counts behind it. */
export interface SentimentReading {
  /** Mean compound score of the window's headlines, in [−1, 1]. */
  readonly compound: number;
  readonly headlines: number;
  /** Headlines with compound ≥ 0.05 / ≤ −0.05 (VADER's own thresholds for positive and negative). */
  readonly positive: number;
  readonly negative: number;
  /** Scorers that produced the window's scores ("vader", a model name). */
  readonly methods: readonly string[];
}

export const SENTIMENT_SOURCE = "sentiment";

interface ScoredHeadline {
  readonly headline: string;
  readonly title: string;
  readonly compound: number;
  readonly method: string;
}

export interface SentimentProviderOptions {
  readonly log: ContextObservationLog;
  readonly now: () => number;
  /** Default: VADER. */
  readonly scorer?: HeadlineScorer;
  /** Aggregation window of `at` (default 6 h). */
  readonly windowMs?: number;
}

/**
 * Headline sentiment, point-in-time: each new headline is scored once, when it is seen, and the score is stored
 * with that instant; `at(time)` aggregates the scores seen in (time − window, time]. A model's score is stored like
 * any observation, so a replay uses the score the model gave then instead of asking again.
 */
export class SentimentProvider {
  readonly name = SENTIMENT_SOURCE;
  readonly windowMs: number;
  readonly #index = new ObservationIndex(SENTIMENT_SOURCE);
  readonly #options: SentimentProviderOptions;
  /** The last note of the scorer (a fallback to VADER), for the status. */
  lastNote: string | undefined;

  constructor(options: SentimentProviderOptions) {
    this.#options = options;
    this.windowMs = options.windowMs ?? 6 * 3_600_000;
    if (!(this.windowMs > 0)) throw new RangeError(`sentiment window must be > 0 ms, got ${this.windowMs}`);
  }

  async load(through?: number): Promise<void> {
    await this.#index.load(this.#options.log, through);
  }

  /** Scores the headlines not scored yet and stores the scores; resolves to how many were scored. */
  async score(headlines: readonly Headline[]): Promise<number> {
    const todo = headlines.filter((h) => !this.#index.has(`${h.feed}|${h.id}`));
    if (todo.length === 0) return 0;
    const asOf = this.#options.now();
    const result = await (this.#options.scorer ?? vaderScorer).score(todo, asOf);
    if (result.scores.length !== todo.length) {
      throw new Error(
        `sentiment scorer ${result.method} gave ${result.scores.length} scores for ${todo.length} headlines`,
      );
    }
    this.lastNote = result.note;
    const seenAt = this.#options.now();
    const records = todo.map((h, i) => {
      const value: ScoredHeadline = {
        headline: `${h.feed}|${h.id}`,
        title: h.title,
        compound: clampScore(result.scores[i] as number),
        method: result.method,
      };
      return { source: SENTIMENT_SOURCE, itemKey: value.headline, seenAt, value };
    });
    await this.#options.log.record(records);
    return this.#index.add(records).length;
  }

  /**
   * Scores what the news log holds and this log does not: headlines stored by a process that stopped before scoring
   * them. Their scores are stored as seen now (when they were computed), never back-dated.
   */
  async scoreUnscored(news: {
    headlinesBetween(after: number, through: number): readonly Headline[];
  }): Promise<number> {
    return this.score(news.headlinesBetween(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY));
  }

  at(time: number): SeenObservation<SentimentReading> | undefined {
    const records = this.#index.between(time - this.windowMs, time);
    const last = records[records.length - 1];
    if (last === undefined) return undefined;
    const scored = records.map((r) => r.value as ScoredHeadline);
    const sum = scored.reduce((total, s) => total + s.compound, 0);
    return {
      time: last.seenAt,
      value: {
        compound: Number((sum / scored.length).toFixed(4)),
        headlines: scored.length,
        positive: scored.filter((s) => s.compound >= 0.05).length,
        negative: scored.filter((s) => s.compound <= -0.05).length,
        methods: [...new Set(scored.map((s) => s.method))],
      },
    };
  }

  /** The mean compound alone, as a numeric point-in-time provider (for features). */
  compound(): { name: string; at(time: number): SeenObservation<number> | undefined } {
    return {
      name: "headline-sentiment",
      at: (time) => {
        const reading = this.at(time);
        return reading === undefined ? undefined : { time: reading.time, value: reading.value.compound };
      },
    };
  }

  missing(time: number): string {
    const first = this.#index.first();
    if (first === undefined) return "no headline scored yet";
    return `no headline scored in the ${this.windowMs / 3_600_000} h before ${formatInstantUtc(time)}`;
  }
}

function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.max(-1, Math.min(1, score));
}
