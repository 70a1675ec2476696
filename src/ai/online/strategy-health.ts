/**
 * The health of one strategy over its last `window` closed trades: win rate, average P&L and return, and the
 * current run of consecutive losses (which counts over all trades, not only the window).
 */
export interface HealthFigures {
  /** Trades in the window. */
  readonly trades: number;
  /** Share of the window's trades with a positive net P&L; NaN with none. */
  readonly winRate: number;
  /** Mean net P&L of the window's trades (quote currency); NaN with none. */
  readonly averagePnl: number;
  /** Mean return of the window's trades (fraction of margin); NaN with none. */
  readonly averageReturn: number;
  readonly consecutiveLosses: number;
}

export interface HealthState {
  readonly pnl: readonly number[];
  readonly returns: readonly number[];
  readonly consecutiveLosses: number;
}

export class StrategyHealth {
  readonly #window: number;
  readonly #pnl: number[] = [];
  readonly #returns: number[] = [];
  #consecutiveLosses = 0;

  constructor(window = 20) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`health window must be an integer >= 1, got ${window}`);
    this.#window = window;
  }

  add(netPnl: number, returnPct: number): void {
    this.#pnl.push(netPnl);
    this.#returns.push(returnPct);
    if (this.#pnl.length > this.#window) {
      this.#pnl.shift();
      this.#returns.shift();
    }
    this.#consecutiveLosses = netPnl > 0 ? 0 : this.#consecutiveLosses + 1;
  }

  save(): HealthState {
    return { pnl: [...this.#pnl], returns: [...this.#returns], consecutiveLosses: this.#consecutiveLosses };
  }

  restore(state: HealthState): void {
    if (state.pnl.length !== state.returns.length || state.pnl.length > this.#window)
      throw new RangeError(`strategy health: saved window of ${state.pnl.length} trades does not fit ${this.#window}`);
    this.#pnl.splice(0, this.#pnl.length, ...state.pnl);
    this.#returns.splice(0, this.#returns.length, ...state.returns);
    this.#consecutiveLosses = state.consecutiveLosses;
  }

  /** Forgets the window (a strategy on probation is judged on what it does from then on). */
  reset(): void {
    this.#pnl.length = 0;
    this.#returns.length = 0;
    this.#consecutiveLosses = 0;
  }

  figures(): HealthFigures {
    const n = this.#pnl.length;
    let wins = 0;
    let pnl = 0;
    let ret = 0;
    for (let i = 0; i < n; i++) {
      const p = this.#pnl[i] as number;
      if (p > 0) wins++;
      pnl += p;
      ret += this.#returns[i] as number;
    }
    return {
      trades: n,
      winRate: n > 0 ? wins / n : Number.NaN,
      averagePnl: n > 0 ? pnl / n : Number.NaN,
      averageReturn: n > 0 ? ret / n : Number.NaN,
      consecutiveLosses: this.#consecutiveLosses,
    };
  }
}
