import { type Timeframe, timeframeMs } from "../../domain/timeframe.js";
import { formatInstantUtc, ObservationIndex, type PollReport, type SeenObservation } from "./observation-index.js";
import type { ContextObservationLog } from "./observation-log.js";

/**
 * Where index bars come from live: any CCXT exchange's `fetchOHLCV` fits (Alpaca's stock bars through
 * `withAlpacaStockBars`, the local Alpaca of `aegis trade --exchange alpaca-sim`). Rows are [time, open, high, low,
 * close, volume] with the bar's open time.
 */
export interface IndexBarSource {
  fetchOHLCV(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<unknown[][]>;
}

export interface MacroIndexOptions {
  readonly log: ContextObservationLog;
  readonly now: () => number;
  /** "SPY", "QQQ". */
  readonly symbol: string;
  readonly source?: IndexBarSource;
  /** Default "1h": the macro layer compares a close with the one an hour earlier. */
  readonly timeframe?: Timeframe;
  /** Default: two bars. */
  readonly maxAgeMs?: number;
}

/**
 * Live closes of an index (SPY, QQQ) for the macro layer, the polling path next to its CSV files: each poll
 * stores the bars that have closed since the last one, each seen when its close is known (its close time, or the
 * poll if that is later), so `at(time)` never returns a bar still forming at `time`.
 */
export class MacroIndexProvider {
  readonly name: string;
  readonly maxAgeMs: number;
  readonly #index: ObservationIndex;
  readonly #options: MacroIndexOptions;
  readonly #periodMs: number;

  constructor(options: MacroIndexOptions) {
    this.#options = options;
    this.name = `macro:${options.symbol}`;
    this.#index = new ObservationIndex(this.name);
    this.#periodMs = timeframeMs(options.timeframe ?? "1h");
    this.maxAgeMs = options.maxAgeMs ?? 2 * this.#periodMs;
  }

  async load(through?: number): Promise<void> {
    await this.#index.load(this.#options.log, through);
  }

  async poll(): Promise<PollReport> {
    const source = this.#options.source;
    if (source === undefined) return { source: this.name, added: 0, errors: ["no bar source configured"], skipped: [] };
    const since = this.#options.now() - 5 * this.#periodMs;
    let rows: unknown[][];
    try {
      rows = await source.fetchOHLCV(this.#options.symbol, this.#options.timeframe ?? "1h", since, 100);
    } catch (error) {
      return {
        source: this.name,
        added: 0,
        errors: [`${this.name}: ${error instanceof Error ? error.message : String(error)}`],
        skipped: [],
      };
    }
    const seenAt = this.#options.now();
    const skipped: string[] = [];
    const records = [];
    for (const row of rows) {
      const [open, , , , close] = row as number[];
      if (typeof open !== "number" || typeof close !== "number" || !(close > 0)) {
        skipped.push(`bad bar ${JSON.stringify(row).slice(0, 80)}`);
        continue;
      }
      const closesAt = open + this.#periodMs;
      if (closesAt > seenAt || this.#index.has(String(open))) continue;
      records.push({ source: this.name, itemKey: String(open), seenAt, eventTime: open, value: close });
    }
    await this.#options.log.record(records);
    return { source: this.name, added: this.#index.add(records).length, errors: [], skipped };
  }

  /** The newest closed bar's close known at `time`. */
  at(time: number): SeenObservation<number> | undefined {
    const record = this.#index.newest(time);
    if (record === undefined || time - record.seenAt > this.maxAgeMs) return undefined;
    return { value: record.value as number, time: record.seenAt };
  }

  between(after: number, through: number): readonly SeenObservation<number>[] {
    return this.#index.between(after, through).map((r) => ({ value: r.value as number, time: r.seenAt }));
  }

  missing(time: number): string {
    const record = this.#index.newest(time);
    if (record === undefined) return `no ${this.#options.symbol} close seen yet`;
    return `last ${this.#options.symbol} close seen ${formatInstantUtc(record.seenAt)}, limit ${this.maxAgeMs / 3_600_000} h`;
  }
}
