import type { ClosedTrade, EquityCurve } from "../../domain/trade.js";
import { dailyEquity } from "./daily-equity.js";
import { dropMeaninglessValues } from "./meaningful-values.js";
import { type MetricKey, type Metrics, metricLabel } from "./metric-definitions.js";
import { medianSpacingMs, scanPath } from "./path-stats.js";
import { barsInMarketFromTrades, summarizeTrades } from "./trade-stats.js";
import { validateMetricsInput } from "./validate-metrics-input.js";

export interface MetricsInput {
  /** Account equity at each bar close; time strictly ascending, Unix ms. */
  readonly equity: EquityCurve;
  readonly trades: readonly ClosedTrade[];
  readonly initialCash: number;
  /** Close prices aligned with equity.time, for the buy-and-hold benchmark. */
  readonly benchmarkClose?: Float64Array;
  /**
   * Periods per year for annualizing; default 365 days / median bar spacing (8760 for 1h), or 365 with daily
   * returns. Pass 252 for daily equities.
   */
  readonly periodsPerYear?: number;
  /**
   * Which returns volatility, Sharpe and Sortino are computed from: each bar's (default), or each UTC day's last
   * equity sample, the common calendar of a run that mixes bar lengths (1h and 1d).
   */
  readonly returnBasis?: "bars" | "daily";
  /** Annual risk-free rate as a fraction, default 0. */
  readonly riskFreeRate?: number;
  /** Below this many closed trades, win rate, profit factor and expectancy are n/a. Default 30. */
  readonly minTradesForRatios?: number;
  /** Below this many per-bar returns, Sharpe, Sortino and Calmar are n/a. Default 30. */
  readonly minPeriodsForRatios?: number;
  /** 1 where a position was open at that bar, aligned with equity.time; default derived from trade entry/exit times. */
  readonly inMarket?: Uint8Array;
  /** Fees already paid by positions still open at the end (not in any ClosedTrade). */
  readonly extraFees?: number;
  /** Funding already paid by positions still open at the end. */
  readonly extraFunding?: number;
}

export const DEFAULT_MIN_TRADES_FOR_RATIOS = 30;
export const DEFAULT_MIN_PERIODS_FOR_RATIOS = 30;

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
/** A per-bar return std below this is float noise on a flat curve; dividing by it would print a huge Sharpe. */
const MIN_RETURN_STD = 1e-12;

type MutableMetrics = { -readonly [K in MetricKey]: number | null };

/**
 * Computes the performance metrics of a backtest from its equity curve and closed trades. Every value is a
 * number or null ("n/a"); `notes` explains each null. Ratios that need a sample (Sharpe, Sortino, Calmar, win
 * rate, profit factor, expectancy) are null below `minPeriodsForRatios` bar returns / `minTradesForRatios` trades,
 * so a 3-trade backtest never shows a Sharpe ratio. Throws a RangeError naming the field and index on bad input.
 *
 * Per-bar returns and drawdowns come from the curve alone, its first sample being the starting point; total
 * return and CAGR are measured from `initialCash`. Years are (last - first sample time) / 365.25 days.
 */
export function computeMetrics(input: MetricsInput): Metrics {
  const { time, equity } = input.equity;
  const n = equity.length;
  validateMetricsInput(input);

  const notes: string[] = [];
  const na = (keys: readonly MetricKey[], reason: string): void => {
    notes.push(`${keys.map(metricLabel).join(", ")}: n/a, ${reason}`);
  };
  const m = emptyMetrics(input.initialCash);

  if (n === 0) {
    na(["totalReturn", "cagr", "maxDrawdown", "exposure"], "the equity curve is empty");
  } else {
    m.bars = n;
    m.startTime = time[0]!;
    m.endTime = time[n - 1]!;
    m.years = (time[n - 1]! - time[0]!) / YEAR_MS;
    m.finalEquity = equity[n - 1]!;
    m.totalReturn = equity[n - 1]! / input.initialCash - 1;
  }
  const daily = input.returnBasis === "daily";
  m.periodsPerYear = input.periodsPerYear ?? (daily ? 365 : inferPeriodsPerYear(time));

  const path = scanPath(equity, time);
  const returnCurve = daily ? dailyEquity(input.equity) : input.equity;
  const returnPath = daily ? scanPath(returnCurve.equity, returnCurve.time) : path;
  if (n > 0) addCagr(m, na);
  addReturnRatios(m, input, returnCurve, returnPath, na);
  addDrawdown(m, time, path, na);
  const minPeriods = input.minPeriodsForRatios ?? DEFAULT_MIN_PERIODS_FOR_RATIOS;
  addCalmar(
    m,
    `${returnPath.returnCount} ${daily ? "daily" : "bar"} returns`,
    returnPath.returnCount < minPeriods,
    minPeriods,
    na,
  );
  if (n > 0) m.exposure = barsInMarket(input) / n;
  addTrades(m, input, na);
  addBenchmark(m, input, na);
  dropMeaninglessValues(m, na);
  return { ...m, notes };
}

/** 365 days / median bar spacing (8760 for 1h bars); null with fewer than two bars. */
function inferPeriodsPerYear(time: Float64Array): number | null {
  const spacing = medianSpacingMs(time);
  return Number.isFinite(spacing) ? (365 * DAY_MS) / spacing : null;
}

type NoteFn = (keys: readonly MetricKey[], reason: string) => void;

function addCagr(m: MutableMetrics, na: NoteFn): void {
  const years = m.years!;
  if (years < 1 / 365.25) {
    na(["cagr"], "the backtest spans less than one day, too short to annualize");
  } else if (m.finalEquity! <= 0) {
    na(["cagr"], `final equity ${m.finalEquity} is not positive, so there is no compound growth rate`);
  } else {
    m.cagr = (m.finalEquity! / m.initialCash!) ** (1 / years) - 1;
  }
}

function addReturnRatios(
  m: MutableMetrics,
  input: MetricsInput,
  curve: MetricsInput["equity"],
  path: ReturnType<typeof scanPath>,
  na: NoteFn,
): void {
  const n = curve.equity.length;
  const unit = input.returnBasis === "daily" ? "daily" : "bar";
  const minPeriods = input.minPeriodsForRatios ?? DEFAULT_MIN_PERIODS_FOR_RATIOS;
  const nonPositive = path.firstNonPositiveIndex;
  if (nonPositive >= 0 && nonPositive < n - 1) {
    const when = isoTime(curve.time[nonPositive]!);
    na(
      ["annualizedVolatility", "sharpe", "sortino"],
      `equity fell to zero or below at ${when}, later returns undefined`,
    );
    return;
  }
  if (path.returnCount < 2) {
    na(["annualizedVolatility", "sharpe", "sortino"], `${path.returnCount} ${unit} returns, at least 2 are needed`);
    return;
  }
  if (m.periodsPerYear === null) {
    na(["annualizedVolatility", "sharpe", "sortino"], "periods per year unknown");
    return;
  }
  const periodsPerYear = m.periodsPerYear;
  const std = Math.sqrt(path.returnVariance);
  m.annualizedVolatility = std * Math.sqrt(periodsPerYear);
  if (path.returnCount < minPeriods) {
    na(["sharpe", "sortino"], `only ${path.returnCount} ${unit} returns (minimum ${minPeriods})`);
    return;
  }
  // Geometric de-annualization so that compounding the per-bar rate over a year gives back the annual rate.
  const riskFreePerBar = (1 + (input.riskFreeRate ?? 0)) ** (1 / periodsPerYear) - 1;
  const meanExcess = path.meanReturn - riskFreePerBar;
  if (std < MIN_RETURN_STD) na(["sharpe"], "equity never moved (zero volatility)");
  else m.sharpe = (meanExcess / std) * Math.sqrt(periodsPerYear);
  if (path.downsideDeviation < MIN_RETURN_STD) na(["sortino"], "no bar lost money (zero downside deviation)");
  else m.sortino = (meanExcess / path.downsideDeviation) * Math.sqrt(periodsPerYear);
}

function addDrawdown(m: MutableMetrics, time: Float64Array, path: ReturnType<typeof scanPath>, na: NoteFn): void {
  if (time.length === 0) return;
  if (Number.isNaN(path.maxDrawdown)) {
    na(["maxDrawdown", "maxDrawdownDurationMs", "maxDrawdownDurationBars"], "the first equity value is not positive");
    return;
  }
  m.maxDrawdown = path.maxDrawdown;
  m.maxDrawdownDurationMs = path.longestDrawdownMs;
  m.maxDrawdownDurationBars = path.longestDrawdownBars;
  if (path.maxDrawdownPeakIndex >= 0) {
    m.maxDrawdownPeakTime = time[path.maxDrawdownPeakIndex]!;
    m.maxDrawdownTroughTime = time[path.maxDrawdownTroughIndex]!;
    if (path.maxDrawdownRecoveryIndex >= 0) m.maxDrawdownRecoveryTime = time[path.maxDrawdownRecoveryIndex]!;
    else na(["maxDrawdownRecoveryTime"], "equity had not recovered to the peak by the last bar");
  } else {
    na(["maxDrawdownPeakTime", "maxDrawdownTroughTime", "maxDrawdownRecoveryTime"], "equity never fell below a peak");
  }
}

function addCalmar(m: MutableMetrics, returns: string, tooFew: boolean, minPeriods: number, na: NoteFn): void {
  if (m.cagr === null || m.maxDrawdown === null) na(["calmar"], "CAGR or max drawdown is n/a");
  else if (tooFew) na(["calmar"], `only ${returns} (minimum ${minPeriods})`);
  else if (m.maxDrawdown === 0) na(["calmar"], "no drawdown");
  else m.calmar = m.cagr / Math.abs(m.maxDrawdown);
}

function barsInMarket(input: MetricsInput): number {
  const mask = input.inMarket;
  if (mask === undefined) return barsInMarketFromTrades(input.trades, input.equity.time);
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  return count;
}

function addTrades(m: MutableMetrics, input: MetricsInput, na: NoteFn): void {
  const stats = summarizeTrades(input.trades);
  const minTrades = input.minTradesForRatios ?? DEFAULT_MIN_TRADES_FOR_RATIOS;
  m.tradeCount = stats.count;
  m.longTradeCount = stats.longCount;
  m.shortTradeCount = stats.shortCount;
  m.feesPaid = stats.fees + (input.extraFees ?? 0);
  m.fundingPaid = stats.funding + (input.extraFunding ?? 0);
  if (stats.count === 0) {
    const tradeKeys: MetricKey[] = ["winRate", "profitFactor", "expectancy", "expectancyPct", "averageWin"];
    na([...tradeKeys, "averageLoss", "largestWin", "largestLoss", "averageBarsHeld"], "no closed trades");
    return;
  }
  m.averageBarsHeld = stats.sumBarsHeld / stats.count;
  if (stats.winCount > 0) {
    m.averageWin = stats.grossProfit / stats.winCount;
    m.largestWin = stats.largestWin;
  } else {
    na(["averageWin", "largestWin"], "no winning trades");
  }
  if (stats.lossCount > 0) {
    m.averageLoss = -stats.grossLoss / stats.lossCount;
    m.largestLoss = stats.largestLoss;
  } else {
    na(["averageLoss", "largestLoss"], "no losing trades");
  }
  if (stats.count < minTrades) {
    na(["winRate", "profitFactor", "expectancy", "expectancyPct"], `only ${stats.count} trades (minimum ${minTrades})`);
    return;
  }
  m.winRate = stats.winCount / stats.count;
  m.expectancy = stats.sumNetPnl / stats.count;
  m.expectancyPct = stats.sumReturnPct / stats.count;
  if (stats.lossCount > 0) m.profitFactor = stats.grossProfit / stats.grossLoss;
  else na(["profitFactor"], "no losing trades");
}

function addBenchmark(m: MutableMetrics, input: MetricsInput, na: NoteFn): void {
  const close = input.benchmarkClose;
  const keys: MetricKey[] = ["benchmarkReturn", "benchmarkMaxDrawdown", "excessReturnVsBenchmark"];
  if (close === undefined) {
    na(keys, "no benchmark closes given");
    return;
  }
  if (close.length === 0) {
    na(keys, "the equity curve is empty");
    return;
  }
  m.benchmarkReturn = close[close.length - 1]! / close[0]! - 1;
  m.benchmarkMaxDrawdown = scanPath(close, input.equity.time).maxDrawdown;
  if (m.totalReturn !== null) m.excessReturnVsBenchmark = m.totalReturn - m.benchmarkReturn;
}

function emptyMetrics(initialCash: number): MutableMetrics {
  return {
    startTime: null,
    endTime: null,
    bars: 0,
    years: null,
    periodsPerYear: null,
    initialCash,
    finalEquity: null,
    totalReturn: null,
    cagr: null,
    annualizedVolatility: null,
    sharpe: null,
    sortino: null,
    calmar: null,
    maxDrawdown: null,
    maxDrawdownPeakTime: null,
    maxDrawdownTroughTime: null,
    maxDrawdownRecoveryTime: null,
    maxDrawdownDurationMs: null,
    maxDrawdownDurationBars: null,
    exposure: null,
    tradeCount: 0,
    longTradeCount: 0,
    shortTradeCount: 0,
    winRate: null,
    profitFactor: null,
    expectancy: null,
    expectancyPct: null,
    averageWin: null,
    averageLoss: null,
    largestWin: null,
    largestLoss: null,
    averageBarsHeld: null,
    feesPaid: 0,
    fundingPaid: 0,
    benchmarkReturn: null,
    benchmarkMaxDrawdown: null,
    excessReturnVsBenchmark: null,
  };
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
