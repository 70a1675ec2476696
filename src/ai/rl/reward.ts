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
