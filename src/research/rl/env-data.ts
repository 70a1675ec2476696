import { buildFeatureMatrix, type ContextSeries } from "../../ai/features/feature-matrix.js";
import { CONTEXT_FEATURES, type ContextFeature, type FeatureName } from "../../ai/features/feature-names.js";
import { isAccountFeature } from "../../ai/rl/observation.js";
import type { FundingRateSeries } from "../../data/funding/funding-rates.js";
import type { CandleSeries } from "../../domain/candles.js";
import type { FundingSource } from "../../execution/simulated-broker.js";

const EIGHT_HOURS = 8 * 3_600_000;

/** The broker's funding source for one perpetual: a settlement at exactly a funding time is charged, else 0. */
export function fundingSourceOf(rates: FundingRateSeries): FundingSource {
  return {
    intervalMs: rates.intervalMs ?? EIGHT_HOURS,
    rateAt: (_symbol, time) => {
      const settled = rates.rateAt(time);
      return settled !== undefined && settled.time === time ? settled.rate : 0;
    },
  };
}

export interface ObservationColumns {
  /** Per feature, its point-in-time column over the whole series; undefined = read from the account, or absent. */
  readonly columns: (Float64Array | undefined)[];
  /** Context features with no series supplied: observed as 0 (their mean). */
  readonly absent: FeatureName[];
  /** First row where every supplied column has left its warm-up. */
  readonly validFrom: number;
}

/**
 * The market and context columns of an agent's observation, computed once over the whole series (each row uses
 * bars ≤ its own only, so windows cut from it later see no future). Account features are left to the environment.
 */
export function observationColumns(
  candles: CandleSeries,
  features: readonly FeatureName[],
  context: Partial<Record<ContextFeature, ContextSeries>> = {},
): ObservationColumns {
  const absent = features.filter(
    (name) => (CONTEXT_FEATURES as readonly string[]).includes(name) && context[name as ContextFeature] === undefined,
  );
  const computed = features.filter((name) => !isAccountFeature(name) && !absent.includes(name));
  const matrix = buildFeatureMatrix(candles, { features: computed, context });
  const columns = features.map((name) => (computed.includes(name) ? matrix.column(name) : undefined));
  return { columns, absent, validFrom: matrix.validFrom };
}
