import type { CandleSeries } from "../../domain/candles.js";
import type { CandleSource } from "../context.js";
import type { CandleMark, CandleUpdate } from "./messages.js";

const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

/** New bars of some markets as they cross the thread boundary: every column of every market in one buffer. */
export interface PackedCandles {
  /** In order; each market's bars are six columns of `length` values, time to volume, after the previous market's. */
  readonly markets: readonly { symbol: string; timeframe: string; from: number; length: number }[];
  readonly bars: Float64Array;
  readonly more: boolean;
}

/**
 * The trading thread's side: the bars of each market the worker does not hold yet. Only the tail after what the
 * worker has is copied; everything when its first bar differs (a buffer that was trimmed or replaced). At most
 * `maxBars` per answer (`more` says the worker should ask again): copying a hundred markets' history at once would
 * hold the trading thread for tens of milliseconds; in slices, a closed bar waits for one slice at most. One buffer
 * and one list of plain records: a typed array per column (600 for a hundred markets) made posting the answer cost
 * the trading thread ~0.7 ms each step a page asked for candles.
 */
export function packedCandleUpdates(source: CandleSource, have: readonly CandleMark[], maxBars = 4096): PackedCandles {
  const held = new Map(have.map((m) => [`${m.symbol}|${m.timeframe}`, m]));
  const taken: { symbol: string; timeframe: string; series: CandleSeries; from: number; length: number }[] = [];
  let budget = maxBars;
  let more = false;
  for (const { symbol, timeframe } of source.markets()) {
    const series = source.series(symbol, timeframe);
    if (series === undefined) continue;
    const mark = held.get(`${symbol}|${timeframe}`);
    const from =
      mark !== undefined && mark.length <= series.length && mark.length > 0 && series.time[0] === mark.first
        ? mark.length
        : 0;
    if (mark !== undefined && from === series.length) continue;
    if (budget <= 0) {
      more = true;
      break;
    }
    const length = Math.min(series.length - from, budget);
    budget -= length;
    taken.push({ symbol, timeframe, series, from, length });
    if (from + length < series.length) {
      more = true;
      break;
    }
  }
  const bars = new Float64Array(COLUMNS.length * taken.reduce((n, t) => n + t.length, 0));
  let at = 0;
  for (const { series, from, length } of taken)
    for (const c of COLUMNS) {
      bars.set(series[c].subarray(from, from + length), at);
      at += length;
    }
  return {
    markets: taken.map(({ symbol, timeframe, from, length }) => ({ symbol, timeframe, from, length })),
    bars,
    more,
  };
}

/** The worker's side of the message: each market's bars as a series of views into the one buffer (no copy). */
export function unpackCandles(packed: PackedCandles): { updates: CandleUpdate[]; more: boolean } {
  let at = 0;
  const updates = packed.markets.map(({ symbol, timeframe, from, length }) => {
    const column = () => {
      const view = packed.bars.subarray(at, at + length);
      at += length;
      return view;
    };
    const [time, open, high, low, close, volume] = COLUMNS.map(column) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const series = { symbol, timeframe, time, open, high, low, close, volume, length } as CandleSeries;
    return { symbol, timeframe, from, series };
  });
  return { updates, more: packed.more };
}

/** The bars the worker does not hold yet, unpacked (what the worker gets from the message). */
export function candleUpdates(
  source: CandleSource,
  have: readonly CandleMark[],
  maxBars = 4096,
): { updates: CandleUpdate[]; more: boolean } {
  return unpackCandles(packedCandleUpdates(source, have, maxBars));
}

/**
 * The worker's side: a copy of the session's bars, brought up to date by `refresh` before a route that reads
 * candles runs (the chart and the buy-and-hold benchmark), so the trading thread copies bars only when asked, and
 * then only the new ones.
 */
export class CandleMirror implements CandleSource {
  readonly #markets = new Map<string, CandleSeries>();
  /** Each market's columns with room to grow: the series above are views of their first `length` bars. */
  readonly #backing = new Map<string, Columns>();
  #order: { symbol: string; timeframe: string }[] = [];
  #refreshing: Promise<void> | undefined;
  #version: string | undefined;

  constructor(readonly fetch: (have: readonly CandleMark[]) => Promise<{ updates: CandleUpdate[]; more: boolean }>) {}

  markets() {
    return this.#order;
  }

  series(symbol: string, timeframe: string): CandleSeries | undefined {
    return this.#markets.get(`${symbol}|${timeframe}`);
  }

  /**
   * Brings the copy up to date, unless it already is for `version` (the session's last step: bars arrive with
   * steps, so between two steps there is nothing to ask). One request at a time: requests that come while one is
   * out share its answer.
   */
  refresh(version?: string): Promise<void> {
    if (version !== undefined && version === this.#version && this.#refreshing === undefined) return Promise.resolve();
    this.#refreshing ??= this.#fetch().then(
      () => {
        this.#version = version;
        this.#refreshing = undefined;
      },
      (error: unknown) => {
        this.#refreshing = undefined;
        throw error;
      },
    );
    return this.#refreshing;
  }

  async #fetch(): Promise<void> {
    for (;;) {
      const have: CandleMark[] = [];
      for (const [key, s] of this.#markets) {
        const [symbol = "", timeframe = ""] = key.split("|");
        have.push({ symbol, timeframe, first: s.time[0] ?? Number.NaN, length: s.length });
      }
      const { updates, more } = await this.fetch(have);
      this.apply(updates);
      if (!more) return;
    }
  }

  apply(updates: readonly CandleUpdate[]): void {
    for (const u of updates) {
      const key = `${u.symbol}|${u.timeframe}`;
      const held = this.#markets.get(key);
      if (!this.#order.some((m) => m.symbol === u.symbol && m.timeframe === u.timeframe))
        this.#order = [...this.#order, { symbol: u.symbol, timeframe: u.timeframe }];
      const backing = this.#backing.get(key);
      if (u.from === 0 || held === undefined || backing === undefined || u.from !== held.length) {
        this.#markets.set(key, u.series);
        this.#backing.set(key, columnsOf(u.series));
      } else this.#markets.set(key, this.#append(key, held, backing, u.series));
    }
  }

  /**
   * The held bars and the new ones as one series. The columns grow by doubling, so a new bar costs a copy of itself,
   * not of the whole history (a hundred markets' columns copied per step was most of a /api/equity request).
   * Series handed out before keep their length: the bars written after them are past their end.
   */
  #append(key: string, held: CandleSeries, backing: Columns, tail: CandleSeries): CandleSeries {
    const length = held.length + tail.length;
    let columns = backing;
    if (length > backing.time.length) {
      const grown = {} as Record<Column, Float64Array>;
      for (const c of COLUMNS) {
        grown[c] = new Float64Array(Math.max(length, 2 * backing.time.length));
        grown[c].set(backing[c].subarray(0, held.length));
      }
      columns = grown;
      this.#backing.set(key, columns);
    }
    const out = { symbol: held.symbol, timeframe: held.timeframe, length } as Record<string, unknown>;
    for (const c of COLUMNS) {
      columns[c].set(tail[c].subarray(0, tail.length), held.length);
      out[c] = columns[c].subarray(0, length);
    }
    return out as unknown as CandleSeries;
  }
}

type Column = (typeof COLUMNS)[number];
type Columns = Readonly<Record<Column, Float64Array>>;

function columnsOf(series: CandleSeries): Columns {
  return {
    time: series.time,
    open: series.open,
    high: series.high,
    low: series.low,
    close: series.close,
    volume: series.volume,
  };
}
