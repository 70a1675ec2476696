import { z } from "zod";
import { ContextSourceError, type FetchTextOptions, fetchText, oneLine } from "./context-fetch.js";
import { formatInstantUtc, ObservationIndex, type PollReport, type SeenObservation } from "./observation-index.js";
import type { ContextObservationLog } from "./observation-log.js";

/** alternative.me's public endpoint; `limit=0` returns the whole history, `limit=N` the last N days. */
export const ALTERNATIVE_ME_URL = "https://api.alternative.me/fng/?limit=10&format=json";

export const FEAR_GREED_SOURCE = "fear-greed";

/** One day of the index as alternative.me publishes it. */
export interface FearGreedPoint {
  /** 0 (extreme fear) … 100 (extreme greed). */
  readonly value: number;
  readonly classification: string;
  /** The day the value is for (00:00 UTC), Unix ms. */
  readonly timestamp: number;
}

// alternative.me sends every number as a string: {"value":"40","timestamp":"1717545600","time_until_update":"..."}.
const numeric = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : Number(v.trim() === "" ? Number.NaN : v);
  if (!Number.isFinite(n)) ctx.addIssue({ code: "custom", message: `not a number: ${JSON.stringify(v)}` });
  return n;
});

const answerSchema = z.object({
  data: z.array(
    z.object({
      value: numeric.refine((v) => v >= 0 && v <= 100, "value must be in [0, 100]"),
      value_classification: z.string(),
      timestamp: numeric,
      time_until_update: z.unknown().optional(),
    }),
  ),
  metadata: z.object({ error: z.string().nullable().optional() }).optional(),
});

/**
 * Parses alternative.me's fear-and-greed JSON: `{data:[{value,value_classification,timestamp,time_until_update}],
 * metadata:{error}}`. A `metadata.error`, junk, or a value outside 0–100 is an error naming the source.
 */
export function parseFearGreed(source: string, text: string): FearGreedPoint[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ContextSourceError(source, "format", `answer is not JSON: ${oneLine(text, 80)}`);
  }
  const error = (json as { metadata?: { error?: unknown } } | null)?.metadata?.error;
  if (typeof error === "string" && error !== "") {
    throw new ContextSourceError(source, "format", `alternative.me reports an error: ${error}`);
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContextSourceError(
      source,
      "format",
      `not alternative.me's format: ${issue?.path.join(".") || "answer"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data.data
    .map((d) => ({ value: d.value, classification: d.value_classification, timestamp: d.timestamp * 1000 }))
    .sort((a, b) => a.timestamp - b.timestamp);
}

export interface FearGreedProviderOptions {
  readonly log: ContextObservationLog;
  readonly now: () => number;
  /** Polled by `poll`; none in a replay. */
  readonly url?: string;
  /** A day older than this (from its 00:00) is stale (default 48 h: the index is daily). */
  readonly maxAgeMs?: number;
  readonly fetch?: FetchTextOptions;
}

/**
 * The fear-and-greed index as Aegis saw it: `at(time)` is the newest day among the values seen by `time`. It fits
 * risk's `ContextProvider<number>` (the sentiment layer) without importing it.
 */
export class FearGreedProvider {
  readonly name = FEAR_GREED_SOURCE;
  readonly maxAgeMs: number;
  readonly #index = new ObservationIndex(FEAR_GREED_SOURCE);
  readonly #options: FearGreedProviderOptions;

  constructor(options: FearGreedProviderOptions) {
    this.#options = options;
    this.maxAgeMs = options.maxAgeMs ?? 48 * 3_600_000;
  }

  async load(through?: number): Promise<void> {
    await this.#index.load(this.#options.log, through);
  }

  async poll(): Promise<PollReport> {
    const url = this.#options.url;
    if (url === undefined) return { source: this.name, added: 0, errors: ["no URL configured"], skipped: [] };
    let points: FearGreedPoint[];
    try {
      points = parseFearGreed(this.name, await fetchText(this.name, url, { accept: ["json"], ...this.#options.fetch }));
    } catch (error) {
      if (!(error instanceof ContextSourceError)) throw error;
      return { source: this.name, added: 0, errors: [error.message], skipped: [] };
    }
    const seenAt = this.#options.now();
    // A day published "in the future" of the poll would be a clock problem, not data: refuse it rather than see ahead.
    const future = points.filter((p) => p.timestamp > seenAt);
    const records = points
      .filter((p) => p.timestamp <= seenAt && !this.#index.has(String(p.timestamp)))
      .map((p) => ({ source: this.name, itemKey: String(p.timestamp), seenAt, eventTime: p.timestamp, value: p }));
    await this.#options.log.record(records);
    const added = this.#index.add(records).length;
    const skipped = future.map(
      (p) => `day ${formatInstantUtc(p.timestamp)} is after the poll (${formatInstantUtc(seenAt)})`,
    );
    return { source: this.name, added, errors: [], skipped };
  }

  /** The newest day's value among those seen by `time` (seen no longer ago than maxAgeMs). */
  at(time: number): SeenObservation<number> | undefined {
    const point = this.point(time);
    return point === undefined ? undefined : { value: point.value.value, time: point.time };
  }

  /** The same with its classification and day, for the CLI. */
  point(time: number): SeenObservation<FearGreedPoint> | undefined {
    const record = this.#index.newest(time);
    if (record === undefined || time - (record.value as FearGreedPoint).timestamp > this.maxAgeMs) return undefined;
    return { value: record.value as FearGreedPoint, time: record.seenAt };
  }

  missing(time: number): string {
    const record = this.#index.newest(time);
    if (record === undefined) return "no fear-and-greed value seen yet";
    const day = (record.value as FearGreedPoint).timestamp;
    return `newest fear-and-greed day known is ${formatInstantUtc(day)}, older than ${this.maxAgeMs / 3_600_000} h`;
  }
}
