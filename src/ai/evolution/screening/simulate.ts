/**
 * The position loop of the screening path: given entry/exit signal columns, it trades them with the simulated
 * venue's assumptions (src/execution/simulated-broker.ts), stated again here because this loop must keep them:
 * - a signal at a bar's close fills at the next bar's open with the taker fee;
 * - an attached stop-loss (percent or ATR multiple at the signal bar, measured from the fill price) is live from
 *   the fill bar; a bar opening beyond it fills at the open, otherwise a bar whose range touches it fills at the
 *   stop; a take-profit fills at its price (or a better open) with the maker fee; when a bar's range touches both,
 *   the stop wins;
 * - a share of equity is sized on the equity marked at the signal bar's close, leaving room for the taker fee;
 * - whatever is open at the last bar is closed at its close (taker fee).
 * There is no slippage, no funding, no leverage and no risk layer: specs and settings needing them are refused by
 * `screeningSupport`, and the caller runs the engine instead.
 */

export interface SimulationInput {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly entryLong: Uint8Array | undefined;
  readonly entryShort: Uint8Array | undefined;
  readonly exitLong: Uint8Array | undefined;
  readonly exitShort: Uint8Array | undefined;
  /** ATR column for ATR-based exits (undefined when none is used). */
  readonly atr: Float64Array | undefined;
  readonly exits: ScreenExits;
  /** Share of equity per position, in percent. */
  readonly sizePercent: number;
  readonly takerFee: number;
  readonly makerFee: number;
  readonly cash: number;
  /** Bars [from, to) are traded; earlier bars only warm indicators up. */
  readonly from: number;
  readonly to: number;
}

export interface ScreenExits {
  readonly stopLossPct: number;
  readonly stopLossAtr: number;
  readonly takeProfitPct: number;
  readonly takeProfitAtr: number;
}

export interface ScreenTrade {
  readonly side: "long" | "short";
  /** Bar indices of the entry fill and the exit fill. */
  readonly entryIndex: number;
  readonly exitIndex: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly quantity: number;
  readonly netPnl: number;
  readonly exitReason: "signal" | "stop-loss" | "take-profit" | "end";
}

export interface SimulationResult {
  readonly trades: ScreenTrade[];
  /** Equity at each bar close of [from, to). */
  readonly equity: Float64Array;
}

const NONE = 0;
const BUY = 1;
const SELL = 2;
const CLOSE = 3;

export function simulateSignals(input: SimulationInput): SimulationResult {
  const { open, high, low, close, entryLong, entryShort, exitLong, exitShort, atr, exits } = input;
  const { from, to, takerFee, makerFee } = input;
  const trades: ScreenTrade[] = [];
  const equity = new Float64Array(Math.max(0, to - from));
  let cash = input.cash;
  let side = 0;
  let quantity = 0;
  let entryPrice = 0;
  let entryIndex = -1;
  let entryFee = 0;
  let stop = Number.NaN;
  let target = Number.NaN;
  let pending = NONE;
  let pendingQuantity = 0;
  let pendingAtr = Number.NaN;

  const closeAt = (index: number, price: number, fee: number, reason: ScreenTrade["exitReason"]): void => {
    const exitFee = quantity * price * fee;
    cash += side * quantity * price - exitFee;
    trades.push({
      side: side > 0 ? "long" : "short",
      entryIndex,
      exitIndex: index,
      entryPrice,
      exitPrice: price,
      quantity,
      netPnl: side * quantity * (price - entryPrice) - entryFee - exitFee,
      exitReason: reason,
    });
    side = 0;
    quantity = 0;
    stop = Number.NaN;
    target = Number.NaN;
  };
  const openAt = (index: number, direction: 1 | -1, wanted: number, price: number, atrValue: number): void => {
    // The venue shrinks an order to the cash it can pay for (a long needs its notional and fee).
    const affordable = cash / (price * (1 + takerFee));
    const size = direction > 0 ? Math.min(wanted, affordable) : wanted;
    if (!(size > 0)) return;
    entryFee = size * price * takerFee;
    cash -= direction * size * price + entryFee;
    side = direction;
    quantity = size;
    entryPrice = price;
    entryIndex = index;
    const stopDistance = Math.max(
      exits.stopLossPct > 0 ? (exits.stopLossPct / 100) * price : 0,
      exits.stopLossAtr > 0 && atrValue > 0 ? exits.stopLossAtr * atrValue : 0,
    );
    const targetDistance = Math.max(
      exits.takeProfitPct > 0 ? (exits.takeProfitPct / 100) * price : 0,
      exits.takeProfitAtr > 0 && atrValue > 0 ? exits.takeProfitAtr * atrValue : 0,
    );
    stop = stopDistance > 0 ? price - direction * stopDistance : Number.NaN;
    target = targetDistance > 0 ? price + direction * targetDistance : Number.NaN;
  };

  for (let i = from; i < to; i++) {
    const o = open[i] as number;
    if (pending !== NONE) {
      if (side !== 0 && (pending === CLOSE || (pending === BUY && side < 0) || (pending === SELL && side > 0))) {
        closeAt(i, o, takerFee, "signal");
      }
      if (pending === BUY && side === 0) openAt(i, 1, pendingQuantity, o, pendingAtr);
      else if (pending === SELL && side === 0) openAt(i, -1, pendingQuantity, o, pendingAtr);
      pending = NONE;
    }
    if (side !== 0) {
      const long = side > 0;
      const h = high[i] as number;
      const l = low[i] as number;
      if (!Number.isNaN(stop) && (long ? o <= stop : o >= stop)) closeAt(i, o, takerFee, "stop-loss");
      else if (!Number.isNaN(target) && (long ? o >= target : o <= target)) closeAt(i, o, makerFee, "take-profit");
      else if (!Number.isNaN(stop) && (long ? l <= stop : h >= stop)) closeAt(i, stop, takerFee, "stop-loss");
      else if (!Number.isNaN(target) && (long ? h >= target : l <= target)) closeAt(i, target, makerFee, "take-profit");
    }
    const c = close[i] as number;
    const marked = cash + side * quantity * c;
    equity[i - from] = marked;
    // The decision at this bar's close, as the compiled spec makes it.
    let action = NONE;
    if (side === 0) {
      if (entryLong?.[i]) action = BUY;
      else if (entryShort?.[i]) action = SELL;
    } else if (side > 0) {
      if (entryShort?.[i]) action = SELL;
      else if (exitLong?.[i]) action = CLOSE;
    } else if (entryLong?.[i]) action = BUY;
    else if (exitShort?.[i]) action = CLOSE;
    if (action !== NONE && i + 1 < to) {
      pending = action;
      if (action !== CLOSE) {
        pendingQuantity = c > 0 ? (Math.max(0, marked) * input.sizePercent) / 100 / (c * (1 + takerFee)) : 0;
        pendingAtr = atr ? (atr[i] as number) : Number.NaN;
      }
    }
  }
  if (side !== 0 && to > from) {
    closeAt(to - 1, close[to - 1] as number, takerFee, "end");
    equity[to - from - 1] = cash;
  }
  return { trades, equity };
}
