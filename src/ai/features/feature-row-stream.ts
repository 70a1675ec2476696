/**
 * One feature row per closed bar, in a model's feature order, for strategies and agents that run bar by bar:
 * market features from MarketFeatureStream, context values by a forward-only pointer (the value known by the bar's
 * close, as `alignContext`), account features from the caller or the flat-account defaults of `buildFeatureMatrix`.
 */
import { ACCOUNT_DEFAULT, type ContextSeries } from "./feature-matrix.js";
import {
  type AccountFeature,
  CONTEXT_FEATURES,
  type ContextFeature,
  type FeatureName,
  isFeatureName,
  MARKET_FEATURES,
} from "./feature-names.js";
import { type FeatureBar, MarketFeatureStream } from "./market-feature-stream.js";

type Source =
  | { readonly kind: "market"; readonly index: number }
  | { readonly kind: "context"; readonly series: ContextSeries; position: number }
  | { readonly kind: "account"; readonly name: AccountFeature };

export class FeatureRowStream {
  readonly #market: MarketFeatureStream;
  readonly #marketRow = new Float64Array(MARKET_FEATURES.length);
  readonly #sources: Source[];
  readonly #barMs: number;

  constructor(
    readonly features: readonly FeatureName[],
    barMs: number,
    context: Partial<Record<ContextFeature, ContextSeries>> = {},
  ) {
    this.#barMs = barMs;
    this.#market = new MarketFeatureStream(barMs);
    this.#sources = features.map((name): Source => {
      if (!isFeatureName(name)) throw new RangeError(`unknown feature "${name}"`);
      const market = (MARKET_FEATURES as readonly string[]).indexOf(name);
      if (market >= 0) return { kind: "market", index: market };
      if ((CONTEXT_FEATURES as readonly string[]).includes(name)) {
        const series = context[name as ContextFeature];
        if (!series) throw new RangeError(`feature ${name} needs its context series, which was not supplied`);
        return { kind: "context", series, position: -1 };
      }
      return { kind: "account", name: name as AccountFeature };
    });
  }

  /** Adds a closed bar; returns its row (float32, as the models read it). `account` holds this bar's account state. */
  update(
    bar: FeatureBar,
    account?: Partial<Record<AccountFeature, number>>,
    out = new Float32Array(this.features.length),
  ): Float32Array {
    this.#market.update(bar, this.#marketRow);
    const close = bar.time + this.#barMs;
    this.#sources.forEach((source, c) => {
      if (source.kind === "market") out[c] = this.#marketRow[source.index] as number;
      else if (source.kind === "context") {
        const known = source.series.known;
        while (source.position + 1 < known.length && (known[source.position + 1] as number) <= close) source.position++;
        out[c] = source.position >= 0 ? (source.series.values[source.position] as number) : Number.NaN;
      } else out[c] = account?.[source.name] ?? ACCOUNT_DEFAULT[source.name];
    });
    return out;
  }
}
