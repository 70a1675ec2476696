/** What one step of a position did, for the reward of Algo Trading Lab's DQN. */
export interface StepOutcome {
  /** Change of the account over the step, in percent (1.6 = +1.6 %). */
  readonly pnlPct: number;
  /** A Sharpe-like ratio of recent step returns (mean / standard deviation), 0 when unknown. */
  readonly riskAdjustedReturn: number;
  /** An order was sent this step. */
  readonly traded: boolean;
  /** Open position's unrealized P&L, in percent, and how many bars it has been held. */
  readonly positionPnlPct: number;
  readonly barsHeld: number;
}

export interface RewardWeights {
  readonly pnl: number;
  readonly riskAdjusted: number;
  readonly tradeCost: number;
  readonly patience: number;
  readonly cutLosses: number;
  /** Bars after which holding a loser is "too long". */
  readonly loserPatienceBars: number;
}

/** The seed's numbers (algo-trading-lab-architecture.md, "Reinforcement Learning Agent"). */
export const SEED_REWARD: RewardWeights = {
  pnl: 10,
  riskAdjusted: 5,
  tradeCost: 0.1,
  patience: 0.5,
  cutLosses: 0.5,
  loserPatienceBars: 24,
};

/**
 * reward = pnl_pct × 10 + risk_adjusted_return × 5 − 0.1 if traded + 0.5 if holding a winner − 0.5 if holding a
 * loser too long. The seed's example: a +1.6 % trade gives a base reward of +16.
 */
export function seedReward(outcome: StepOutcome, weights: RewardWeights = SEED_REWARD): number {
  let reward = outcome.pnlPct * weights.pnl + outcome.riskAdjustedReturn * weights.riskAdjusted;
  if (outcome.traded) reward -= weights.tradeCost;
  if (outcome.barsHeld > 0 && outcome.positionPnlPct > 0) reward += weights.patience;
  if (outcome.barsHeld > weights.loserPatienceBars && outcome.positionPnlPct < 0) reward -= weights.cutLosses;
  return reward;
}

/** What the leverage reward reads of one step (TradingEnv's StepOutcome fits). */
export interface LeverageStepOutcome {
  readonly equityBefore: number;
  readonly equityAfter: number;
  readonly traded: boolean;
  readonly liquidated: boolean;
  /** Leverage of the position held after the step (0 flat) and of the action taken. */
  readonly leverage: number;
  readonly action: { readonly leverage: number; readonly signal: string | undefined };
  readonly marginRatio: number;
  readonly liquidationDistance: number;
}

export interface LeverageRewardWeights {
  readonly pnl: number;
  /** Subtracted once when the position is liquidated: far worse than any ordinary losing bar. */
  readonly liquidation: number;
  /** Margin ratio above which the seed's penalty (ratio − threshold) × 10 starts. */
  readonly marginThreshold: number;
  readonly marginPenalty: number;
  /** Within this distance (fraction of price) of the liquidation price, a penalty that grows to `nearLiquidation`. */
  readonly nearDistance: number;
  readonly nearLiquidation: number;
  /** Per unit of leverage, when an order was sent (the seed: 0.1 × leverage). */
  readonly tradeCost: number;
}

/** The seed's numbers (algo-trading-lab-architecture.md, "Leverage Reward Function") plus the liquidation penalty. */
export const SEED_LEVERAGE_REWARD: LeverageRewardWeights = {
  pnl: 10,
  liquidation: 100,
  marginThreshold: 0.7,
  marginPenalty: 10,
  nearDistance: 0.05,
  nearLiquidation: 2,
  tradeCost: 0.1,
};

/**
 * The leverage DQN's liquidation-aware reward: account P&L of the step in percent (funding paid is in it, since it
 * leaves the account) × 10 / sqrt(leverage), − (margin ratio − 0.7) × 10 above 70 %, − a penalty growing to 2 within
 * 5 % of the liquidation price, − 0.1 × leverage per trade, − 100 when the position is liquidated. The seed's side
 * and leverage bonuses (+1 for any winning short bar, +0.5 for "appropriate" leverage) pay for a choice whatever it
 * earned, and are left out.
 */
export function leverageReward(outcome: LeverageStepOutcome, weights = SEED_LEVERAGE_REWARD): number {
  const pnlPct = outcome.equityBefore > 0 ? (outcome.equityAfter / outcome.equityBefore - 1) * 100 : 0;
  const leverage = Math.max(1, outcome.leverage);
  let reward = (pnlPct * weights.pnl) / Math.sqrt(leverage);
  if (outcome.marginRatio > weights.marginThreshold)
    reward -= (Math.min(outcome.marginRatio, 2) - weights.marginThreshold) * weights.marginPenalty;
  if (outcome.liquidationDistance < weights.nearDistance)
    reward -= weights.nearLiquidation * (1 - outcome.liquidationDistance / weights.nearDistance);
  if (outcome.traded) reward -= weights.tradeCost * Math.max(1, outcome.action.leverage);
  if (outcome.liquidated) reward -= weights.liquidation;
  return reward;
}

/** A reward with memory across the steps of an episode; `reset` starts a new episode. */
export interface EpisodeReward<T> {
  (outcome: T): number;
  reset?(): void;
}

/**
 * The seed's DQN reward over environment steps: the step's account change in percent, a Sharpe-like ratio of the
 * last `window` step returns, the trade cost, and the patience and cut-losses terms from the open position.
 */
export function seedEpisodeReward(
  window = 24,
  weights: RewardWeights = SEED_REWARD,
): EpisodeReward<{
  equityBefore: number;
  equityAfter: number;
  traded: boolean;
  positionPnlPct: number;
  barsHeld: number;
}> {
  const returns = new Float64Array(window);
  let count = 0;
  const reward = (outcome: {
    equityBefore: number;
    equityAfter: number;
    traded: boolean;
    positionPnlPct: number;
    barsHeld: number;
  }): number => {
    const pnlPct = outcome.equityBefore > 0 ? (outcome.equityAfter / outcome.equityBefore - 1) * 100 : 0;
    returns[count % window] = pnlPct;
    count++;
    const n = Math.min(count, window);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += returns[i] as number;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += ((returns[i] as number) - mean) ** 2;
    const sd = n > 1 ? Math.sqrt(variance / (n - 1)) : 0;
    return seedReward(
      {
        pnlPct,
        riskAdjustedReturn: sd > 1e-12 ? mean / sd : 0,
        traded: outcome.traded,
        positionPnlPct: outcome.positionPnlPct,
        barsHeld: outcome.barsHeld,
      },
      weights,
    );
  };
  reward.reset = () => {
    count = 0;
    returns.fill(0);
  };
  return reward;
}
