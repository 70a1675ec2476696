/**
 * Test-only: the real OHLCV series the indicator tests run on (first 3000 BTCUSDT 1h bars and all SPY daily bars
 * from /work/shared/data), and a tiny driver that feeds a stream bar by bar.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { BarInput, StreamingIndicator } from "../types.js";
import { loadBtcHourly, parseCsvColumns, sharedDataDir, sharedDataPresent } from "./reference-data.js";

/** One OHLCV series with its name for test labels. */
export interface OhlcvDataset {
  name: string;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

const spyPath = `${sharedDataDir}equities/yahoo_SPY_1d.csv.gz`;

/** True when both data files the indicator tests read are present. */
export const hasMarketData: boolean = sharedDataPresent([
  spyPath,
  `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`,
]);

function toDataset(name: string, columns: Record<string, Float64Array>): OhlcvDataset {
  const column = (key: string): Float64Array => {
    const values = columns[key];
    if (values === undefined) throw new Error(`${name}: column ${key} is missing`);
    return values;
  };
  return {
    name,
    time: column("timestamp"),
    open: column("open"),
    high: column("high"),
    low: column("low"),
    close: column("close"),
    volume: column("volume"),
  };
}

/** BTCUSDT 1h (first 3000 bars) and SPY 1d; empty when the data folder is absent. */
export function marketDatasets(): OhlcvDataset[] {
  if (!hasMarketData) return [];
  const btc = loadBtcHourly(3000);
  const spyText = gunzipSync(readFileSync(spyPath)).toString("utf8");
  const datasets = [toDataset("SPY 1d", parseCsvColumns(spyText, spyPath))];
  if (btc !== undefined) datasets.unshift(toDataset("BTCUSDT 1h", btc));
  return datasets;
}

/** The bar at index i as a BarInput (with time). */
export function barAt(data: Omit<OhlcvDataset, "name">, i: number): BarInput {
  return {
    time: data.time[i]!,
    high: data.high[i]!,
    low: data.low[i]!,
    close: data.close[i]!,
    volume: data.volume[i]!,
  };
}

/** Feeds `inputs` to `stream` with `update` and collects each result with `pick`. */
export function runStream<In, Out>(
  stream: StreamingIndicator<In, Out>,
  inputs: readonly In[],
  pick: (value: Out) => number,
): Float64Array {
  const out = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = pick(stream.update(inputs[i]!));
  return out;
}
