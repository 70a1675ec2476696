/**
 * The feature catalog: every column the feature pipeline can produce, in three groups by where its data comes from.
 * Names follow Algo Trading Lab's leverage-DQN state (seed: algo-trading-lab-architecture.md, "Extended State").
 */

/**
 * Bumped whenever a definition below changes meaning (a period, a scale, a lag): a model file records the version
 * it was trained with, and loading it under another version is refused instead of silently feeding it other inputs.
 */
export const FEATURE_PIPELINE_VERSION = "1";

/** Computed from the candles alone. */
export const MARKET_FEATURES = [
  "price_change_1h",
  "price_change_4h",
  "price_change_24h",
  "price_vs_ema20",
  "price_vs_ema50",
  "price_vs_vwap",
  "rsi",
  "rsi_change",
  "macd_hist",
  "macd_signal_cross",
  "momentum_5",
  "momentum_20",
  "atr_ratio",
  "bb_position",
  "bb_width",
  "volatility_ratio",
  "high_volatility",
  "adx",
  "trend_direction",
  "trend_strength",
  "ema_alignment",
  "volume_ratio",
] as const;

/** From optional point-in-time series beside the candles (funding file, fear-and-greed index …). */
export const CONTEXT_FEATURES = ["funding_rate", "open_interest_change", "long_short_ratio", "fear_greed"] as const;

/** The account and position the agent is in: supplied by the caller (an environment, the engine), never derived. */
export const ACCOUNT_FEATURES = [
  "current_position",
  "current_leverage",
  "position_pnl",
  "position_duration",
  "unrealized_pnl",
  "margin_ratio",
  "drawdown_current",
  "consecutive_losses",
  "win_rate_recent",
] as const;

export type MarketFeature = (typeof MARKET_FEATURES)[number];
export type ContextFeature = (typeof CONTEXT_FEATURES)[number];
export type AccountFeature = (typeof ACCOUNT_FEATURES)[number];
export type FeatureName = MarketFeature | ContextFeature | AccountFeature;

export const ALL_FEATURES: readonly FeatureName[] = [...MARKET_FEATURES, ...CONTEXT_FEATURES, ...ACCOUNT_FEATURES];

export function isFeatureName(name: string): name is FeatureName {
  return (ALL_FEATURES as readonly string[]).includes(name);
}

/** Algo Trading Lab's DQN state (18): price, momentum, volatility, trend, volume and position. */
export const DQN_FEATURES: readonly FeatureName[] = [
  "price_change_1h",
  "price_change_4h",
  "price_change_24h",
  "price_vs_ema20",
  "price_vs_ema50",
  "rsi",
  "rsi_change",
  "macd_hist",
  "momentum_5",
  "atr_ratio",
  "bb_position",
  "volatility_ratio",
  "adx",
  "trend_direction",
  "volume_ratio",
  "current_position",
  "position_pnl",
  "position_duration",
];

/**
 * The leverage DQN's state (35). The seed's heading says 35 but its lists name 33; the two added here are
 * `volume_ratio` (in the 18-feature state, dropped from the seed's list) and `fear_greed` (a context series the
 * issue asks for). That is every column of the catalog, in its order: market, context, account.
 */
export const LEVERAGE_DQN_FEATURES: readonly FeatureName[] = ALL_FEATURES;
