/**
 * The stable, ordered list of backtest metrics with their human labels. The terminal table, the HTML report and
 * summary.json all follow this order, so adding a metric means adding one entry here (the `Metrics` type follows).
 */

/** How a metric's number is read and printed. */
export type MetricKind =
  | "percent" // a fraction: 0.1234 prints as 12.34%
  | "ratio" // dimensionless, 2 decimals
  | "money" // quote currency, 2 decimals
  | "count" // an integer
  | "number" // a plain number, 2 decimals at most
  | "duration" // milliseconds
  | "timestamp"; // Unix milliseconds, UTC

export interface MetricDefinition {
  readonly key: string;
  readonly label: string;
  readonly kind: MetricKind;
  /** How the value is obtained, in one sentence (for reports and tooltips). */
  readonly description: string;
}

export const METRIC_DEFINITIONS = [
  { key: "startTime", label: "Start", kind: "timestamp", description: "Time of the first equity sample." },
  { key: "endTime", label: "End", kind: "timestamp", description: "Time of the last equity sample." },
  { key: "bars", label: "Bars", kind: "count", description: "Number of equity samples (one per bar close)." },
  {
    key: "years",
    label: "Years",
    kind: "number",
    description: "(last - first sample time) / 365.25 days; the span CAGR is annualized over.",
  },
  {
    key: "periodsPerYear",
    label: "Periods per year",
    kind: "number",
    description: "Bars per year used to annualize: given, or 365 days / median bar spacing (8760 for 1h).",
  },
  { key: "initialCash", label: "Initial cash", kind: "money", description: "Cash at the start of the backtest." },
  { key: "finalEquity", label: "Final equity", kind: "money", description: "Equity at the last bar close." },
  {
    key: "totalReturn",
    label: "Total return",
    kind: "percent",
    description: "Final equity / initial cash - 1.",
  },
  {
    key: "cagr",
    label: "CAGR",
    kind: "percent",
    description: "(final equity / initial cash)^(1 / years) - 1, years = (last - first time) / 365.25 days.",
  },
  {
    key: "annualizedVolatility",
    label: "Annualized volatility",
    kind: "percent",
    description: "Sample standard deviation (n-1) of per-bar simple returns x sqrt(periods per year).",
  },
  {
    key: "sharpe",
    label: "Sharpe ratio",
    kind: "ratio",
    description: "Mean per-bar excess return / sample std of per-bar returns x sqrt(periods per year).",
  },
  {
    key: "sortino",
    label: "Sortino ratio",
    kind: "ratio",
    description:
      "Mean per-bar excess return / downside deviation x sqrt(periods per year); downside deviation = sqrt(mean(min(r, 0)^2)) over all bars.",
  },
  { key: "calmar", label: "Calmar ratio", kind: "ratio", description: "CAGR / |max drawdown|." },
  {
    key: "maxDrawdown",
    label: "Max drawdown",
    kind: "percent",
    description: "Largest fall from a running equity peak, as a positive fraction of that peak.",
  },
  {
    key: "maxDrawdownPeakTime",
    label: "Max drawdown peak",
    kind: "timestamp",
    description: "Time of the peak the max drawdown fell from.",
  },
  {
    key: "maxDrawdownTroughTime",
    label: "Max drawdown trough",
    kind: "timestamp",
    description: "Time of the lowest point of the max drawdown.",
  },
  {
    key: "maxDrawdownRecoveryTime",
    label: "Max drawdown recovery",
    kind: "timestamp",
    description: "First time equity got back to the peak after the max drawdown; n/a when it never did.",
  },
  {
    key: "maxDrawdownDurationMs",
    label: "Longest drawdown",
    kind: "duration",
    description: "Longest time under a previous peak (peak to recovery, or to the end when unrecovered).",
  },
  {
    key: "maxDrawdownDurationBars",
    label: "Longest drawdown (bars)",
    kind: "count",
    description: "Bars from the peak to the recovery (or the last bar) of the longest drawdown.",
  },
  {
    key: "exposure",
    label: "Exposure",
    kind: "percent",
    description: "Fraction of bars with an open position.",
  },
  { key: "tradeCount", label: "Trades", kind: "count", description: "Number of closed trades." },
  { key: "longTradeCount", label: "Long trades", kind: "count", description: "Closed long trades." },
  { key: "shortTradeCount", label: "Short trades", kind: "count", description: "Closed short trades." },
  {
    key: "winRate",
    label: "Win rate",
    kind: "percent",
    description: "Trades with net PnL > 0 / all trades (break-even trades count as not won).",
  },
  {
    key: "profitFactor",
    label: "Profit factor",
    kind: "ratio",
    description: "Gross profit / gross loss of net trade PnL.",
  },
  {
    key: "expectancy",
    label: "Expectancy",
    kind: "money",
    description: "Mean net PnL per trade, quote currency.",
  },
  {
    key: "expectancyPct",
    label: "Expectancy (%)",
    kind: "percent",
    description: "Mean net return per trade relative to its entry notional.",
  },
  { key: "averageWin", label: "Average win", kind: "money", description: "Mean net PnL of winning trades." },
  {
    key: "averageLoss",
    label: "Average loss",
    kind: "money",
    description: "Mean net PnL of losing trades (negative).",
  },
  { key: "largestWin", label: "Largest win", kind: "money", description: "Largest net PnL of one trade." },
  {
    key: "largestLoss",
    label: "Largest loss",
    kind: "money",
    description: "Most negative net PnL of one trade.",
  },
  { key: "averageBarsHeld", label: "Average bars held", kind: "number", description: "Mean bars per trade." },
  {
    key: "feesPaid",
    label: "Fees paid",
    kind: "money",
    description: "Fees of closed trades plus fees of positions still open.",
  },
  {
    key: "fundingPaid",
    label: "Funding paid",
    kind: "money",
    description: "Funding paid (positive) or received (negative) by closed trades plus open positions.",
  },
  {
    key: "benchmarkReturn",
    label: "Buy & hold return",
    kind: "percent",
    description: "Last / first benchmark close - 1 over the same bars.",
  },
  {
    key: "benchmarkMaxDrawdown",
    label: "Buy & hold max drawdown",
    kind: "percent",
    description: "Max drawdown of the benchmark closes.",
  },
  {
    key: "excessReturnVsBenchmark",
    label: "Excess return vs buy & hold",
    kind: "percent",
    description: "Total return - buy & hold return (simple difference).",
  },
] as const satisfies readonly MetricDefinition[];

export type MetricKey = (typeof METRIC_DEFINITIONS)[number]["key"];

/** Metric keys in report order. */
export const METRIC_KEYS: readonly MetricKey[] = METRIC_DEFINITIONS.map((definition) => definition.key);

/**
 * Performance metrics of one backtest. Every value is a number, or null meaning "n/a"; `notes` says why each
 * null is null. Fractions (returns, drawdowns, rates) are not multiplied by 100.
 */
export type Metrics = { readonly [K in MetricKey]: number | null } & { readonly notes: readonly string[] };

const LABELS = new Map<string, string>(METRIC_DEFINITIONS.map((definition) => [definition.key, definition.label]));

/** Human label of a metric key. */
export function metricLabel(key: MetricKey): string {
  return LABELS.get(key) ?? key;
}
