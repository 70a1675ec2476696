import type { ClosedTrade } from "../../domain/trade.js";

/** Sums over closed trades, from one pass; the metrics turn them into rates and means. */
export interface TradeStats {
  readonly count: number;
  readonly longCount: number;
  readonly shortCount: number;
  /** Trades with netPnl > 0 and < 0; break-even trades are in neither. */
  readonly winCount: number;
  readonly lossCount: number;
  /** Sum of positive netPnl, and the absolute sum of negative netPnl. */
  readonly grossProfit: number;
  readonly grossLoss: number;
  readonly sumNetPnl: number;
  readonly sumReturnPct: number;
  /** Largest netPnl and most negative netPnl; NaN without winners / losers. */
  readonly largestWin: number;
  readonly largestLoss: number;
  readonly sumBarsHeld: number;
  readonly fees: number;
  readonly funding: number;
}

const CHECKED_FIELDS = ["entryTime", "exitTime", "netPnl", "returnPct", "fees", "funding", "barsHeld"] as const;

/** NaN or infinite when any checked field is (or, for absurd magnitudes, when the sum overflows). */
function checkSum(trade: ClosedTrade): number {
  // A NaN or ±Infinity in any field makes the sum non-finite, so one check covers them all.
  return (
    trade.entryTime + trade.exitTime + trade.netPnl + trade.returnPct + trade.fees + trade.funding + trade.barsHeld
  );
}

function throwNonFinite(trade: ClosedTrade): never {
  const field = CHECKED_FIELDS.find((name) => !Number.isFinite(trade[name]));
  const detail = field === undefined ? "its numbers overflow when added" : `${field} is ${trade[field]}`;
  throw new RangeError(`trade ${trade.id} (${trade.symbol}): ${detail}, expected finite numbers`);
}

/** Aggregates closed trades; throws naming the trade and field when a number is not finite. */
export function summarizeTrades(trades: readonly ClosedTrade[]): TradeStats {
  let longCount = 0;
  let winCount = 0;
  let lossCount = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let sumNetPnl = 0;
  let sumReturnPct = 0;
  let largestWin = Number.NaN;
  let largestLoss = Number.NaN;
  let sumBarsHeld = 0;
  let fees = 0;
  let funding = 0;
  for (const trade of trades) {
    // One check on the sum keeps the loop fast; the slow path then names the offending field.
    if (!Number.isFinite(checkSum(trade))) throwNonFinite(trade);
    if (trade.exitTime < trade.entryTime) {
      throw new RangeError(
        `trade ${trade.id} (${trade.symbol}): exitTime ${trade.exitTime} is before entryTime ${trade.entryTime}`,
      );
    }
    if (trade.side === "long") longCount++;
    const pnl = trade.netPnl;
    if (pnl > 0) {
      winCount++;
      grossProfit += pnl;
      if (!(pnl <= largestWin)) largestWin = pnl;
    } else if (pnl < 0) {
      lossCount++;
      grossLoss -= pnl;
      if (!(pnl >= largestLoss)) largestLoss = pnl;
    }
    sumNetPnl += pnl;
    sumReturnPct += trade.returnPct;
    sumBarsHeld += trade.barsHeld;
    fees += trade.fees;
    funding += trade.funding;
  }
  return {
    count: trades.length,
    longCount,
    shortCount: trades.length - longCount,
    winCount,
    lossCount,
    grossProfit,
    grossLoss,
    sumNetPnl,
    sumReturnPct,
    largestWin,
    largestLoss,
    sumBarsHeld,
    fees,
    funding,
  };
}

/** First index with time[index] >= t (time ascending); time.length when none. */
function lowerBound(time: ArrayLike<number>, t: number): number {
  let low = 0;
  let high = time.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (time[middle]! < t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Number of bars during which at least one trade was open: bar i counts when entryTime <= time[i] < exitTime for
 * some trade. Overlapping trades (several symbols) are counted once. Positions still open at the end are not
 * ClosedTrades, so a caller that has them should pass an explicit in-market mask instead.
 */
export function barsInMarketFromTrades(trades: readonly ClosedTrade[], time: ArrayLike<number>): number {
  const m = trades.length;
  if (m === 0 || time.length === 0) return 0;
  const starts = new Int32Array(m);
  const ends = new Int32Array(m);
  let sorted = true;
  for (let k = 0; k < m; k++) {
    starts[k] = lowerBound(time, trades[k]!.entryTime);
    ends[k] = lowerBound(time, trades[k]!.exitTime);
    if (k > 0 && starts[k]! < starts[k - 1]!) sorted = false;
  }
  // Trades of one symbol arrive in entry order already; only interleaved symbols need the sort.
  const order = sorted ? null : Array.from({ length: m }, (_, k) => k).sort((a, b) => starts[a]! - starts[b]!);
  let total = 0;
  let runStart = -1;
  let runEnd = -1;
  for (let position = 0; position < m; position++) {
    const k = order === null ? position : order[position]!;
    const start = starts[k]!;
    const end = ends[k]!;
    if (end <= start) continue;
    if (start > runEnd) {
      total += runEnd - runStart;
      runStart = start;
      runEnd = end;
    } else if (end > runEnd) {
      runEnd = end;
    }
  }
  return total + (runEnd - runStart);
}
