import type { LearningRows, LearningTradeRow, PerformanceRow } from "../../domain/learning.js";
import type { Fill } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";

export type { LearningRows, LearningTradeRow, PerformanceRow };

const DAY = 86_400_000;

/** The market at the decision bar before `time`: its regime and candle features (bars before `time` only). */
export type EntryContext = (symbol: string, time: number) => { regime?: string; indicators: Record<string, number> };

export interface LearningRecorderOptions {
  readonly entryContext: EntryContext;
  /** The strategy a trade without a source is attributed to (the slot's). */
  readonly strategyOf: (symbol: string) => string;
  /** How often performance rows are written (default one day, on UTC boundaries). */
  readonly performanceEveryMs?: number;
  /** Hears every learning row as it is made (the pattern memory learns from it). */
  readonly onRow?: (row: LearningTradeRow) => void;
}

interface Stats {
  trades: number;
  wins: number;
  pnl: number;
  /** Welford's running mean and sum of squares of the trades' returns. */
  mean: number;
  m2: number;
  cumulative: number;
  peak: number;
  maxDrawdown: number;
  grossProfit: number;
  grossLoss: number;
}

export interface LearningRecorderState {
  readonly stats: Readonly<Record<string, Stats>>;
  readonly nextReportAt: number | null;
}

/**
 * Fills the learning tables from the runtime: every closed trade becomes a learning-trade row with the regime
 * and the candle features at the decision that opened it, and every `performanceEveryMs` each strategy gets a
 * performance row per regime and one over all regimes. The rows wait in `drain` for the session's next commit,
 * so they land in the store in the same transaction as the trades they come from.
 */
export class LearningRecorder {
  readonly id = "learning-tables";
  readonly #o: LearningRecorderOptions;
  readonly #every: number;
  /** Entry contexts by "symbol|fill time", computed at the fill (the bars may be gone when the trade closes). */
  readonly #entries = new Map<string, ReturnType<EntryContext>>();
  #stats = new Map<string, Stats>();
  #nextReportAt: number | undefined;
  #trades: LearningTradeRow[] = [];
  #performance: PerformanceRow[] = [];

  constructor(options: LearningRecorderOptions) {
    this.#o = options;
    this.#every = options.performanceEveryMs ?? DAY;
    if (!(this.#every > 0))
      throw new RangeError(`learning recorder: performanceEveryMs must be > 0, got ${this.#every}`);
  }

  onFill(fill: Fill): void {
    const key = `${fill.symbol}|${fill.time}`;
    if (this.#entries.has(key)) return;
    this.#entries.set(key, this.#o.entryContext(fill.symbol, fill.time));
    // Open positions are few: the oldest contexts are long closed.
    if (this.#entries.size > 1000) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  onTradeClosed(trade: ClosedTrade): void {
    const key = `${trade.symbol}|${trade.entryTime}`;
    const entry = this.#entries.get(key) ?? this.#o.entryContext(trade.symbol, trade.entryTime);
    this.#entries.delete(key);
    const strategyId = trade.source ?? this.#o.strategyOf(trade.symbol);
    const row: LearningTradeRow = {
      time: trade.exitTime,
      symbol: trade.symbol,
      action: trade.side === "long" ? "BUY" : "SELL",
      entryPrice: trade.entryPrice,
      exitPrice: trade.exitPrice,
      pnl: trade.netPnl,
      pnlPct: trade.returnPct,
      ...(entry.regime !== undefined ? { regime: entry.regime } : {}),
      strategyId,
      indicators: entry.indicators,
      outcome: trade.netPnl > 0 ? "WIN" : "LOSS",
    };
    this.#trades.push(row);
    this.#add(`${strategyId}|`, trade);
    if (entry.regime !== undefined) this.#add(`${strategyId}|${entry.regime}`, trade);
    this.#o.onRow?.(row);
  }

  /** Called at every step close: writes performance rows when a reporting boundary has passed. */
  tick(now: number): void {
    if (this.#nextReportAt === undefined) {
      this.#nextReportAt = (Math.floor(now / this.#every) + 1) * this.#every;
      return;
    }
    if (now < this.#nextReportAt) return;
    for (const [key, s] of this.#stats) {
      const [strategyId, regime] = key.split("|") as [string, string];
      const sd = s.trades >= 2 ? Math.sqrt(s.m2 / (s.trades - 1)) : Number.NaN;
      this.#performance.push({
        time: this.#nextReportAt,
        strategyId,
        ...(regime !== "" ? { regime } : {}),
        trades: s.trades,
        winRate: s.wins / s.trades,
        avgPnl: s.pnl / s.trades,
        ...(sd > 0 ? { sharpeRatio: s.mean / sd } : {}),
        maxDrawdown: s.maxDrawdown,
        ...(s.grossLoss > 0 ? { profitFactor: s.grossProfit / s.grossLoss } : {}),
      });
    }
    this.#nextReportAt = (Math.floor(now / this.#every) + 1) * this.#every;
  }

  /** The rows made since the last drain, for the session's next commit. */
  drain(): LearningRows {
    const out = { trades: this.#trades, performance: this.#performance };
    this.#trades = [];
    this.#performance = [];
    return out;
  }

  save(): LearningRecorderState {
    return { stats: Object.fromEntries(this.#stats), nextReportAt: this.#nextReportAt ?? null };
  }

  restore(state: LearningRecorderState): void {
    this.#stats = new Map(Object.entries(state.stats).map(([k, s]) => [k, { ...s }]));
    this.#nextReportAt = state.nextReportAt ?? undefined;
  }

  #add(key: string, trade: ClosedTrade): void {
    let s = this.#stats.get(key);
    if (!s) {
      s = {
        trades: 0,
        wins: 0,
        pnl: 0,
        mean: 0,
        m2: 0,
        cumulative: 0,
        peak: 0,
        maxDrawdown: 0,
        grossProfit: 0,
        grossLoss: 0,
      };
      this.#stats.set(key, s);
    }
    s.trades++;
    if (trade.netPnl > 0) s.wins++;
    s.pnl += trade.netPnl;
    const delta = trade.returnPct - s.mean;
    s.mean += delta / s.trades;
    s.m2 += delta * (trade.returnPct - s.mean);
    s.cumulative += trade.netPnl;
    s.peak = Math.max(s.peak, s.cumulative);
    s.maxDrawdown = Math.max(s.maxDrawdown, s.peak - s.cumulative);
    if (trade.netPnl > 0) s.grossProfit += trade.netPnl;
    else s.grossLoss -= trade.netPnl;
  }
}
