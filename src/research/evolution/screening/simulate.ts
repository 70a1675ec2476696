import { type Bits, bitAt, nextSetBit } from "./bitset.js";

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
  readonly entryLong: Bits | undefined;
  readonly entryShort: Bits | undefined;
  readonly exitLong: Bits | undefined;
  readonly exitShort: Bits | undefined;
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
  /**
   * Where to write the equity (at least to − from long), instead of a new array: a search screens thousands of
   * specs and a year of equity each was most of its garbage. The result's equity is then a view of it, valid until
   * the buffer's next use.
   */
  readonly equityBuffer?: Float64Array;
  /**
   * Keep each trade (default true). A search only counts them: a year of 1h bars makes hundreds of trades per spec,
   * and their objects were most of the screening path's garbage (profiled), so it asks for counts alone.
   */
  readonly recordTrades?: boolean;
  /** Where to write the per-bar returns (at least to − from long), as `equityBuffer`. */
  readonly returnsBuffer?: Float64Array;
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
  /** Every trade, or none when `recordTrades` was false (the counts below hold either way). */
  readonly trades: ScreenTrade[];
  readonly tradeCount: number;
  /** Trades whose net P&L is above zero. */
  readonly wins: number;
  /** Equity at each bar close of [from, to). */
  readonly equity: Float64Array;
  /** Return of each bar of [from, to) (the first from the starting cash), their sum, and the maximum drawdown. */
  readonly returns: Float64Array;
  readonly sumOfReturns: number;
  readonly maxDrawdown: number;
}

const NONE = 0;
const BUY = 1;
const SELL = 2;
const CLOSE = 3;
const EMPTY: Bits = new Uint32Array(0);

/**
 * The account of one run. A class rather than closures over `let`s: V8 keeps captured, reassigned variables in a
 * heap context, which made this loop several times slower.
 */
class Account {
  cash: number;
  side = 0;
  quantity = 0;
  entryPrice = 0;
  entryIndex = -1;
  entryFee = 0;
  stop = Number.NaN;
  target = Number.NaN;
  readonly trades: ScreenTrade[] = [];
  tradeCount = 0;
  wins = 0;

  constructor(
    cash: number,
    readonly exits: ScreenExits,
    readonly takerFee: number,
    readonly record: boolean,
  ) {
    this.cash = cash;
  }

  close(index: number, price: number, fee: number, reason: ScreenTrade["exitReason"]): void {
    const exitFee = this.quantity * price * fee;
    this.cash += this.side * this.quantity * price - exitFee;
    const netPnl = this.side * this.quantity * (price - this.entryPrice) - this.entryFee - exitFee;
    this.tradeCount++;
    if (netPnl > 0) this.wins++;
    if (this.record)
      this.trades.push({
        side: this.side > 0 ? "long" : "short",
        entryIndex: this.entryIndex,
        exitIndex: index,
        entryPrice: this.entryPrice,
        exitPrice: price,
        quantity: this.quantity,
        netPnl,
        exitReason: reason,
      });
    this.side = 0;
    this.quantity = 0;
    this.stop = Number.NaN;
    this.target = Number.NaN;
  }

  open(index: number, direction: 1 | -1, wanted: number, price: number, atrValue: number): void {
    const fee = this.takerFee;
    // The venue shrinks an order to the cash it can pay for (a long needs its notional and fee).
    const affordable = this.cash / (price * (1 + fee));
    const size = direction > 0 ? Math.min(wanted, affordable) : wanted;
    if (!(size > 0)) return;
    this.entryFee = size * price * fee;
    this.cash -= direction * size * price + this.entryFee;
    this.side = direction;
    this.quantity = size;
    this.entryPrice = price;
    this.entryIndex = index;
    const x = this.exits;
    const stopDistance = Math.max(
      x.stopLossPct > 0 ? (x.stopLossPct / 100) * price : 0,
      x.stopLossAtr > 0 && atrValue > 0 ? x.stopLossAtr * atrValue : 0,
    );
    const targetDistance = Math.max(
      x.takeProfitPct > 0 ? (x.takeProfitPct / 100) * price : 0,
      x.takeProfitAtr > 0 && atrValue > 0 ? x.takeProfitAtr * atrValue : 0,
    );
    this.stop = stopDistance > 0 ? price - direction * stopDistance : Number.NaN;
    this.target = targetDistance > 0 ? price + direction * targetDistance : Number.NaN;
  }
}

export function simulateSignals(input: SimulationInput): SimulationResult {
  const { open, high, low, close, atr } = input;
  const { from, to, takerFee, makerFee } = input;
  const hasEntryLong = input.entryLong !== undefined;
  const hasEntryShort = input.entryShort !== undefined;
  const hasExitLong = input.exitLong !== undefined;
  const hasExitShort = input.exitShort !== undefined;
  const entryLong = input.entryLong ?? EMPTY;
  const entryShort = input.entryShort ?? EMPTY;
  const exitLong = input.exitLong ?? EMPTY;
  const exitShort = input.exitShort ?? EMPTY;
  const bars = Math.max(0, to - from);
  const equity =
    input.equityBuffer && input.equityBuffer.length >= bars
      ? input.equityBuffer.subarray(0, bars)
      : new Float64Array(bars);
  const returns =
    input.returnsBuffer && input.returnsBuffer.length >= bars
      ? input.returnsBuffer.subarray(0, bars)
      : new Float64Array(bars);
  const account = new Account(input.cash, input.exits, takerFee, input.recordTrades ?? true);
  let pending = NONE;
  let pendingQuantity = 0;
  let pendingAtr = Number.NaN;
  // The metrics' first pass, done as the bars go (screen-metrics.ts finishes them): the per-bar return, their sum
  // and the drawdown's running peak and trough, in the same order and arithmetic as screenMetrics over the equity.
  const run = new RunningMetrics(input.cash);

  for (let i = from; i < to; i++) {
    if (pending === NONE && account.side !== 0) {
      // Holding with nothing pending: mark the bars up to the next one where a stop, a target or a signal may act.
      const long = account.side > 0;
      const exitBits = long ? (hasExitLong ? exitLong : EMPTY) : hasExitShort ? exitShort : EMPTY;
      const reverseBits = long ? (hasEntryShort ? entryShort : EMPTY) : hasEntryLong ? entryLong : EMPTY;
      const until = Math.min(nextSetBit(exitBits, reverseBits, i, to), to - 1);
      i = hold(run, account, input, i, until, equity, returns);
    } else if (pending === NONE && account.side === 0) {
      // Flat with nothing to do: jump to the next bar with an entry signal. Meanwhile the equity stays the cash, which
      // is also the last marked equity (a close marks it), so each return is 0 and the drawdown does not move.
      const next = nextSetBit(entryLong, entryShort, i, to);
      if (next > i) {
        const cash = account.cash;
        // A loop, not fill(): the stretches are short, and fill() is a builtin call costing more than the stores.
        for (let k = i - from; k < next - from; k++) {
          equity[k] = cash;
          returns[k] = 0;
        }
        i = next;
        if (i >= to) break;
      }
    }
    const o = open[i] as number;
    if (pending !== NONE) {
      const side = account.side;
      if (side !== 0 && (pending === CLOSE || (pending === BUY && side < 0) || (pending === SELL && side > 0))) {
        account.close(i, o, takerFee, "signal");
      }
      if (pending === BUY && account.side === 0) account.open(i, 1, pendingQuantity, o, pendingAtr);
      else if (pending === SELL && account.side === 0) account.open(i, -1, pendingQuantity, o, pendingAtr);
      pending = NONE;
    }
    if (account.side !== 0) {
      const long = account.side > 0;
      const h = high[i] as number;
      const l = low[i] as number;
      const stop = account.stop;
      const target = account.target;
      // A NaN level (none set) compares false, so it never fires.
      if (long ? o <= stop : o >= stop) account.close(i, o, takerFee, "stop-loss");
      else if (long ? o >= target : o <= target) account.close(i, o, makerFee, "take-profit");
      else if (long ? l <= stop : h >= stop) account.close(i, stop, takerFee, "stop-loss");
      else if (long ? h >= target : l <= target) account.close(i, target, makerFee, "take-profit");
    }
    const c = close[i] as number;
    const side = account.side;
    let marked = account.cash + side * account.quantity * c;
    if (i === to - 1 && side !== 0) {
      // Whatever is open at the last bar is closed at its close.
      account.close(i, c, takerFee, "end");
      marked = account.cash;
    }
    equity[i - from] = marked;
    run.mark(i - from, marked, returns);
    // The decision at this bar's close, as the compiled spec makes it.
    let action = NONE;
    if (side === 0) {
      if (hasEntryLong && bitAt(entryLong, i) === 1) action = BUY;
      else if (hasEntryShort && bitAt(entryShort, i) === 1) action = SELL;
    } else if (side > 0) {
      if (hasEntryShort && bitAt(entryShort, i) === 1) action = SELL;
      else if (hasExitLong && bitAt(exitLong, i) === 1) action = CLOSE;
    } else if (hasEntryLong && bitAt(entryLong, i) === 1) action = BUY;
    else if (hasExitShort && bitAt(exitShort, i) === 1) action = CLOSE;
    if (action !== NONE && i + 1 < to) {
      pending = action;
      if (action !== CLOSE) {
        pendingQuantity = c > 0 ? (Math.max(0, marked) * input.sizePercent) / 100 / (c * (1 + takerFee)) : 0;
        pendingAtr = atr ? (atr[i] as number) : Number.NaN;
      }
    }
  }
  return {
    trades: account.trades,
    tradeCount: account.tradeCount,
    wins: account.wins,
    equity,
    returns,
    sumOfReturns: run.sum,
    maxDrawdown: run.maxDrawdown(),
  };
}

/**
 * The metrics' first pass, made as the bars go (screen-metrics.ts finishes them): each bar's return, their sum and
 * the drawdown's running peak and trough, in the same order and arithmetic as screenMetrics over the equity.
 */
class RunningMetrics {
  previous: number;
  sum = 0;
  peak: number;
  trough: number;
  worst = 0;

  constructor(cash: number) {
    this.previous = cash;
    this.peak = cash;
    this.trough = cash;
  }

  mark(k: number, marked: number, returns: Float64Array): void {
    const r = this.previous > 0 ? marked / this.previous - 1 : 0;
    returns[k] = r;
    this.sum += r;
    this.previous = marked;
    if (marked > this.peak) {
      if (this.peak > 0) this.worst = Math.max(this.worst, (this.peak - this.trough) / this.peak);
      this.peak = marked;
      this.trough = marked;
    } else if (marked < this.trough) this.trough = marked;
  }

  maxDrawdown(): number {
    return this.peak > 0 ? Math.max(this.worst, (this.peak - this.trough) / this.peak) : this.worst;
  }
}

/**
 * Marks the bars [i, until) of an open position, stopping early at a bar whose range reaches the stop or the target;
 * returns the first bar it did not mark, which the caller handles in full. A small loop of its own, with the
 * account in locals: most of a screening run is spent holding positions.
 */
function hold(
  run: RunningMetrics,
  account: Account,
  input: SimulationInput,
  i: number,
  until: number,
  equity: Float64Array,
  returns: Float64Array,
): number {
  const { open, high, low, close, from } = input;
  const stop = account.stop;
  const target = account.target;
  const cash = account.cash;
  const held = account.side * account.quantity;
  let previous = run.previous;
  let sum = run.sum;
  let peak = run.peak;
  let trough = run.trough;
  let worst = run.worst;
  let bar = i;
  for (; bar < until; bar++) {
    const o = open[bar] as number;
    const h = high[bar] as number;
    const l = low[bar] as number;
    // A NaN level compares false. Either side: any touch of either level is left to the caller.
    if (
      held > 0
        ? o <= stop || l <= stop || o >= target || h >= target
        : o >= stop || h >= stop || o <= target || l <= target
    )
      break;
    const marked = cash + held * (close[bar] as number);
    equity[bar - from] = marked;
    const r = previous > 0 ? marked / previous - 1 : 0;
    returns[bar - from] = r;
    sum += r;
    previous = marked;
    if (marked > peak) {
      if (peak > 0) worst = Math.max(worst, (peak - trough) / peak);
      peak = marked;
      trough = marked;
    } else if (marked < trough) trough = marked;
  }
  run.previous = previous;
  run.sum = sum;
  run.peak = peak;
  run.trough = trough;
  run.worst = worst;
  return bar;
}
