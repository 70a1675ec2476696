import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import { adjustment, reduceOnlyVerdict } from "./adjust.js";
import type { ContextProvider } from "./provider.js";
import { decisionInstant, formatInstant, formatScale } from "./time.js";

/**
 * How the fear-and-greed index sizes positions. "contrarian": buy fear, fade greed (the largest size at extreme
 * fear); "momentum": follow the crowd (the largest size at extreme greed).
 */
export type SentimentMode = "contrarian" | "momentum";
/** "linear": the multiplier moves evenly with the index; "bands": one step per band of the index (see BANDS). */
export type SentimentShape = "linear" | "bands";

export interface SentimentMapping {
  readonly mode: SentimentMode;
  readonly shape: SentimentShape;
  /** Multiplier at the most cautious end (default 0.5). */
  readonly min: number;
  /** Multiplier at the most favourable end (default 1.5). */
  readonly max: number;
}

export const DEFAULT_SENTIMENT_MAPPING: SentimentMapping = { mode: "contrarian", shape: "linear", min: 0.5, max: 1.5 };

/**
 * The bands of the CNN / alternative.me fear-and-greed index and where each sits between fear (0) and greed (1) for
 * the "bands" shape: a whole band gets one multiplier, so day-to-day noise inside a band does not resize orders.
 */
export const BANDS = [
  { upTo: 24, label: "extreme fear", position: 0 },
  { upTo: 44, label: "fear", position: 0.25 },
  { upTo: 55, label: "neutral", position: 0.5 },
  { upTo: 75, label: "greed", position: 0.75 },
  { upTo: 100, label: "extreme greed", position: 1 },
] as const;

/** The band label of an index value ("extreme fear" … "extreme greed"). */
export function sentimentBand(index: number): (typeof BANDS)[number] {
  return BANDS.find((band) => index <= band.upTo) ?? BANDS[4];
}

/**
 * Fear-and-greed index (0 = extreme fear, 100 = extreme greed) to a size multiplier in [min, max]. Contrarian
 * linear (the default): 0 → max (1.5), 50 → the middle (1.0), 100 → min (0.5), i.e. 1.5 − index/100 with the
 * defaults. Momentum mirrors it. Bands: the band's position (0, ¼, ½, ¾, 1) replaces index/100.
 */
export function sentimentMultiplier(index: number, mapping: SentimentMapping = DEFAULT_SENTIMENT_MAPPING): number {
  if (!(index >= 0 && index <= 100)) throw new RangeError(`fear-and-greed index must be in [0, 100], got ${index}`);
  const greed = mapping.shape === "bands" ? sentimentBand(index).position : index / 100;
  const favour = mapping.mode === "contrarian" ? 1 - greed : greed;
  return Number((mapping.min + (mapping.max - mapping.min) * favour).toFixed(6));
}

export interface SentimentOptions {
  /** Fear-and-greed index values, point-in-time. Undefined: no data, the layer is neutral. */
  readonly provider?: ContextProvider<number>;
  readonly mapping?: Partial<SentimentMapping>;
  /**
   * A short profits from what hurts a long: read a short's index as 100 − index, so "contrarian" sizes shorts up
   * in greed and down in fear (default true).
   */
  readonly mirrorForShorts?: boolean;
  readonly note?: string;
}

/**
 * Sentiment (AlphaWEEX's Sentiment Agent): scales new positions by a multiplier from the fear-and-greed index,
 * 0.5–1.5 by default; neutral (× 1) without fresh data, saying so.
 */
export class SentimentLayer implements RiskLayer {
  readonly name = "sentiment";
  readonly phase = "adjust";
  readonly #provider: ContextProvider<number> | undefined;
  readonly #mapping: SentimentMapping;
  readonly #mirror: boolean;
  readonly #note: string;
  /** Without a series every verdict is neutral with a fixed reason: built once each. */
  #neutral: RiskCheckResult | undefined;
  #neutralReducing: RiskCheckResult | undefined;

  constructor(options: SentimentOptions = {}) {
    this.#provider = options.provider;
    this.#mapping = { ...DEFAULT_SENTIMENT_MAPPING, ...options.mapping };
    this.#mirror = options.mirrorForShorts ?? true;
    this.#note = options.note ?? "no fear-and-greed series configured";
    const { min, max } = this.#mapping;
    if (!(min >= 0 && min <= max && Number.isFinite(max))) {
      throw new RangeError(`sentiment multipliers need 0 <= min <= max, got min ${min}, max ${max}`);
    }
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (this.#provider === undefined) {
      if (order.reduceOnly) {
        this.#neutralReducing ??= Object.freeze(reduceOnlyVerdict(this.name, this.#withoutData(this.#note)));
        return this.#neutralReducing;
      }
      this.#neutral ??= Object.freeze(adjustment(this.name, 1, this.#withoutData(this.#note)));
      return this.#neutral;
    }
    const asOf = decisionInstant(context.time, context.market);
    const point = this.#provider?.at(asOf);
    if (point === undefined) {
      const why =
        this.#provider === undefined
          ? this.#note
          : (this.#provider.missing?.(asOf) ?? `no value at ${formatInstant(asOf)}`);
      const reason = this.#withoutData(why);
      return order.reduceOnly ? reduceOnlyVerdict(this.name, reason) : adjustment(this.name, 1, reason);
    }
    const index = point.value;
    const short = order.side === "sell";
    const mirror = this.#mirror && short;
    const read = mirror ? 100 - index : index;
    const scale = sentimentMultiplier(read, this.#mapping);
    const { mode, shape } = this.#mapping;
    const mirrored = mirror ? `, read as ${read} for a short` : "";
    const reason = `fear-and-greed ${index} (${sentimentBand(index).label}) at ${formatInstant(point.time)}${mirrored} → ${mode} ${shape} ${formatScale(scale)}`;
    return order.reduceOnly ? reduceOnlyVerdict(this.name, reason) : adjustment(this.name, scale, reason);
  }

  #withoutData(why: string): string {
    return `no sentiment data (${why}) → neutral ${formatScale(1)}`;
  }
}
