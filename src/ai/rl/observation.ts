/**
 * What an agent observes at a bar close: the market and context features of the point-in-time feature matrix
 * (z-scored with statistics of the TRAINING window only) and the account features, read from the engine's
 * portfolio at that instant. NaN (warm-up, a missing context series) becomes 0, the mean.
 */
import { ACCOUNT_FEATURES, type AccountFeature, type FeatureName } from "../features/feature-names.js";

/** z-score parameters per observation column (account columns: mean 0, sd 1, they are scaled by definition). */
export interface Normalization {
  readonly mean: readonly number[];
  readonly sd: readonly number[];
}

/** Clip of a z-score: one crash bar should not saturate the network for everything else. */
export const Z_CLIP = 5;

export function isAccountFeature(name: FeatureName): name is AccountFeature {
  return (ACCOUNT_FEATURES as readonly string[]).includes(name);
}

/** Mean and standard deviation of each non-account column over rows [from, to) (finite values only). */
export function fitNormalization(
  names: readonly FeatureName[],
  columns: readonly (Float64Array | undefined)[],
  from: number,
  to: number,
): Normalization {
  const mean: number[] = [];
  const sd: number[] = [];
  names.forEach((name, c) => {
    const column = columns[c];
    if (isAccountFeature(name) || column === undefined) {
      mean.push(0);
      sd.push(1);
      return;
    }
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    for (let i = from; i < to; i++) {
      const v = column[i] as number;
      if (!Number.isFinite(v)) continue;
      n++;
      sum += v;
      sumSq += v * v;
    }
    const m = n > 0 ? sum / n : 0;
    const variance = n > 1 ? Math.max(0, sumSq / n - m * m) : 0;
    mean.push(m);
    sd.push(variance > 1e-24 ? Math.sqrt(variance) : 1);
  });
  return { mean, sd };
}

/**
 * What the account features read of a portfolio. The engine's Portfolio has all of it; a structural type keeps
 * the agent (ai) from depending on execution, which sits above it on the map.
 */
export interface AccountView {
  equity(): number;
  usedMargin(): number;
  openedBar(symbol: string): number;
  position(symbol: string):
    | {
        readonly side: "long" | "short";
        readonly leverage: number;
        readonly markPrice: number;
        readonly entryPrice: number;
        readonly unrealizedPnl: number;
      }
    | undefined;
  readonly trades: readonly { readonly netPnl: number }[];
}

/** The account's own history the risk features need (streak, recent trades, equity peak). */
export class AccountTracker {
  peak = 0;
  consecutiveLosses = 0;
  readonly #recent: boolean[] = [];
  #seenTrades = 0;

  constructor(readonly recentTrades = 20) {}

  update(portfolio: AccountView): void {
    this.peak = Math.max(this.peak, portfolio.equity());
    const trades = portfolio.trades;
    for (; this.#seenTrades < trades.length; this.#seenTrades++) {
      const won = (trades[this.#seenTrades]?.netPnl ?? 0) > 0;
      this.consecutiveLosses = won ? 0 : this.consecutiveLosses + 1;
      this.#recent.push(won);
      if (this.#recent.length > this.recentTrades) this.#recent.shift();
    }
  }

  winRate(): number {
    if (this.#recent.length === 0) return 0.5;
    return this.#recent.filter(Boolean).length / this.#recent.length;
  }
}

/** One account feature, scaled to about [-1, 1] by definition (so it needs no fitted statistics). */
export function accountFeature(
  name: AccountFeature,
  portfolio: AccountView,
  symbol: string,
  index: number,
  tracker: AccountTracker,
): number {
  const p = portfolio.position(symbol);
  const equity = portfolio.equity();
  const sign = p === undefined ? 0 : p.side === "long" ? 1 : -1;
  switch (name) {
    case "current_position":
      return sign;
    case "current_leverage":
      return p === undefined ? 0 : p.leverage / 10;
    case "position_pnl":
      return p === undefined ? 0 : sign * (p.markPrice / p.entryPrice - 1) * 10;
    case "position_duration":
      return p === undefined ? 0 : Math.min(index - portfolio.openedBar(symbol), 240) / 24;
    case "unrealized_pnl":
      return p === undefined || !(equity > 0) ? 0 : p.unrealizedPnl / equity;
    case "margin_ratio":
      return equity > 0 ? Math.min(portfolio.usedMargin() / equity, 2) : 2;
    case "drawdown_current":
      return tracker.peak > 0 ? 1 - equity / tracker.peak : 0;
    case "consecutive_losses":
      return Math.min(tracker.consecutiveLosses, 10) / 10;
    case "win_rate_recent":
      return tracker.winRate();
  }
}

/** Writes the observation of bar `index` into `out`. `columns[c]` is undefined for account features. */
export function writeObservation(
  out: Float32Array,
  names: readonly FeatureName[],
  columns: readonly (Float64Array | undefined)[],
  normalization: Normalization,
  index: number,
  account: (name: AccountFeature) => number,
): Float32Array {
  for (let c = 0; c < names.length; c++) {
    const name = names[c] as FeatureName;
    const column = columns[c];
    let value: number;
    if (column === undefined) value = isAccountFeature(name) ? account(name) : 0;
    else {
      const raw = column[index] as number;
      value = Number.isFinite(raw) ? (raw - (normalization.mean[c] as number)) / (normalization.sd[c] as number) : 0;
      value = Math.max(-Z_CLIP, Math.min(Z_CLIP, value));
    }
    out[c] = Number.isFinite(value) ? value : 0;
  }
  return out;
}
