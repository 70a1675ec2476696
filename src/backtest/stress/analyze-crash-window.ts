import type { CandleSeries } from "../../domain/candles.js";
import type { ClosedTrade } from "../../domain/trade.js";
import type { BacktestResult } from "../run-backtest.js";

/** One exit inside the crash window. */
export interface WindowExit {
  readonly time: number;
  readonly side: "long" | "short";
  readonly price: number;
  readonly reason: string;
  readonly netPnl: number;
  /** The trade's net return on its margin (ClosedTrade.returnPct): a 3 % stop shows about −0.03 minus fees. */
  readonly returnPct: number;
}

/** What happened from the crash bar to the end of the crash window, read off one crashed run. */
export interface CrashWindowFacts {
  /** Equity at the close of the bar before the crash. */
  readonly equityBefore: number;
  /** Lowest equity at a bar close inside the window, and that bar's time. */
  readonly worstEquity: number;
  readonly worstTime: number;
  /** (equityBefore − worstEquity) / equityBefore, 0 when equity never went below equityBefore. */
  readonly maxDrawdown: number;
  /** Stop-loss exits (trailing and position-management stops included) inside the window. */
  readonly stopExits: readonly WindowExit[];
  /** The position held into the crash was closed by its stop-loss inside the window. */
  readonly positionStopped: boolean;
  /** A position was liquidated inside the window. */
  readonly liquidated: boolean;
  /** Positions opened inside the window (from the crash bar's open on). */
  readonly entries: number;
  /** Of those, the ones also closed inside the window at a net loss (fees and funding included). */
  readonly losingEntries: number;
  readonly exits: readonly WindowExit[];
}

const isStop = (reason: string) => reason.startsWith("stop-loss");
const isLiquidation = (reason: string) => reason.startsWith("liquidation");

/**
 * Reads the crash window [crash, end] of a crashed run. Equity is sampled at bar closes, so the worst point is
 * the worst close: the crash bar closes at its low, so a position that rode the crash shows its full loss there.
 */
export function analyzeCrashWindow(
  result: BacktestResult,
  series: CandleSeries,
  crash: number,
  end: number,
  cash: number,
): CrashWindowFacts {
  const equity = result.equity.equity;
  const equityBefore = crash > 0 ? (equity[crash - 1] as number) : cash;
  let worstEquity = Number.POSITIVE_INFINITY;
  let worstIndex = crash;
  for (let i = crash; i <= end; i++) {
    const e = equity[i] as number;
    if (e < worstEquity) {
      worstEquity = e;
      worstIndex = i;
    }
  }
  const start = series.time[crash] as number;
  const stop = series.time[end] as number;
  const inside = (t: number) => t >= start && t <= stop;
  const exitOf = (t: ClosedTrade): WindowExit => ({
    time: t.exitTime,
    side: t.side,
    price: t.exitPrice,
    reason: t.exitReason,
    netPnl: t.netPnl,
    returnPct: t.returnPct,
  });
  const closedInside = result.trades.filter((t) => inside(t.exitTime));
  const heldIntoCrash = result.trades.find((t) => t.entryTime < start && t.exitTime >= start);
  const opened = result.trades.filter((t) => inside(t.entryTime));
  return {
    equityBefore,
    worstEquity,
    worstTime: series.time[worstIndex] as number,
    maxDrawdown: equityBefore > 0 ? Math.max(0, (equityBefore - worstEquity) / equityBefore) : 0,
    stopExits: closedInside.filter((t) => isStop(t.exitReason)).map(exitOf),
    positionStopped: heldIntoCrash !== undefined && inside(heldIntoCrash.exitTime) && isStop(heldIntoCrash.exitReason),
    liquidated: closedInside.some((t) => isLiquidation(t.exitReason)),
    entries: opened.length,
    losingEntries: opened.filter((t) => inside(t.exitTime) && t.netPnl < 0).length,
    exits: closedInside.map(exitOf),
  };
}
