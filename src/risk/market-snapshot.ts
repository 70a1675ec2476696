import type { RegimeLabel } from "../domain/regime.js";

export { REGIMES, type RegimeLabel } from "../domain/regime.js";

/**
 * What the engine knows about one symbol's market at the decision bar, computed from closed bars only. Fields are
 * NaN / undefined while their indicator warms up; layers must treat that as "unknown", never as zero.
 */
export interface MarketSnapshot {
  readonly symbol: string;
  /** Index of the decision bar in the slot's series. */
  readonly index: number;
  readonly close: number;
  readonly high: number;
  readonly low: number;
  /** ATR(14) at the decision bar. */
  readonly atr: number;
  /** Standard deviation of per-bar log returns over the last 20 bars. */
  readonly volatility: number;
  /** Bars per year of this series (8760 for 1h), to annualise `volatility`. */
  readonly periodsPerYear: number;
  readonly regime: RegimeLabel | undefined;
}

export const EMPTY_SNAPSHOT: MarketSnapshot = {
  symbol: "",
  index: -1,
  close: Number.NaN,
  high: Number.NaN,
  low: Number.NaN,
  atr: Number.NaN,
  volatility: Number.NaN,
  periodsPerYear: Number.NaN,
  regime: undefined,
};
