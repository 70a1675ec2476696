/**
 * Checks on OHLCV rows received from an exchange, before they reach the store: a bad bar stored once poisons every
 * backtest that reads it, so a page with one is rejected whole, with the bar named.
 */
import type { OhlcvRow } from "../store/candle-store.js";

/**
 * The first problem in `rows` (CCXT OHLCV arrays: [time, open, high, low, close, volume]) as a sentence naming the
 * bar's time, or `undefined` when all are sound. Sound means: an integer time, strictly ascending (and after
 * `previousTime` when given); finite positive prices; a finite volume ≥ 0 (zero-volume bars are real, e.g. around
 * maintenance); low ≤ open, close ≤ high.
 */
export function findInvalidBar(rows: readonly (readonly unknown[])[], previousTime?: number): string | undefined {
  let last = previousTime;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const [time, open, high, low, close, volume] = row;
    if (typeof time !== "number" || !Number.isSafeInteger(time)) {
      return `row ${i} has no valid open time (${String(time)})`;
    }
    const bar = `bar ${new Date(time).toISOString()} (${time})`;
    if (last !== undefined && time <= last) {
      return `${bar} is not after the previous bar (${new Date(last).toISOString()})`;
    }
    last = time;
    const prices = { open, high, low, close };
    for (const [name, value] of Object.entries(prices)) {
      if (typeof value !== "number" || !Number.isFinite(value)) return `${bar} has ${name} ${String(value)}`;
      if (value <= 0) return `${bar} has non-positive ${name} ${value}`;
    }
    if (typeof volume !== "number" || !Number.isFinite(volume)) return `${bar} has volume ${String(volume)}`;
    if (volume < 0) return `${bar} has negative volume ${volume}`;
    const o = open as number;
    const h = high as number;
    const l = low as number;
    const c = close as number;
    if (h < l) return `${bar} has high ${h} below low ${l}`;
    if (h < Math.max(o, c)) return `${bar} has high ${h} below open ${o} or close ${c}`;
    if (l > Math.min(o, c)) return `${bar} has low ${l} above open ${o} or close ${c}`;
  }
  return undefined;
}

/** `rows` as store rows, once `findInvalidBar` has passed them. */
export function asOhlcvRows(rows: readonly (readonly unknown[])[]): OhlcvRow[] {
  return rows.map((row) => [
    row[0] as number,
    row[1] as number,
    row[2] as number,
    row[3] as number,
    row[4] as number,
    row[5] as number,
  ]);
}
