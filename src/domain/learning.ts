// Rows of the learning tables (Algo Trading Lab's ai_learning.db) as the runtime makes them: plain types shared by
// the learners that produce them (ai/runtime) and the session that commits them with its steps (engine/trading).

/** A closed trade as Algo Trading Lab's ai_learning.db keeps it (the store's `learning_trades` row). */
export interface LearningTradeRow {
  /** When the trade closed (Unix ms): the row exists from then on. */
  readonly time: number;
  readonly symbol: string;
  /** "BUY" for a long, "SELL" for a short. */
  readonly action: string;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly pnl: number;
  readonly pnlPct: number;
  readonly regime?: string;
  readonly strategyId: string;
  /** The candle features at the decision that opened the trade. */
  readonly indicators: Readonly<Record<string, number>>;
  readonly outcome: "WIN" | "LOSS";
}

/** One `strategy_performance` row: a strategy's closed trades so far, in one regime (or all, regime absent). */
export interface PerformanceRow {
  readonly time: number;
  readonly strategyId: string;
  readonly regime?: string;
  readonly trades: number;
  readonly winRate: number;
  /** Mean net P&L per trade (quote currency). */
  readonly avgPnl: number;
  /** Mean / standard deviation of the trades' returns, per trade (not annualised); absent under 2 trades. */
  readonly sharpeRatio?: number;
  /** Largest fall of the cumulative net P&L from its peak (quote currency). */
  readonly maxDrawdown: number;
  /** Gross profit / gross loss; absent without a loss. */
  readonly profitFactor?: number;
}

export interface LearningRows {
  readonly trades: readonly LearningTradeRow[];
  readonly performance: readonly PerformanceRow[];
}
