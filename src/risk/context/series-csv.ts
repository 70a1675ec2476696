import {
  loadPointSeriesCsv,
  type PointSeries,
  type PointSeriesCsvOptions,
  parsePointSeriesCsv,
} from "../../data/csv/point-series-csv.js";
import { DataFileError } from "../../data/read-data-file.js";
import { PointSeriesProvider } from "./provider.js";

export type { TimestampMeaning } from "../../data/csv/point-series-csv.js";

export interface SeriesCsvOptions extends PointSeriesCsvOptions {
  /** Header name of the value column; default: the only non-time column, else "value", else "close". */
  readonly column?: string;
  /** Staleness limit (ms); default: two periods. */
  readonly maxAgeMs?: number;
}

/**
 * Reads a timestamp+value CSV file (plain or gzip) into a point-in-time provider. The file is read by data/ (see
 * `loadPointSeriesCsv`); this adds the staleness limit a context layer needs.
 */
export async function loadSeriesCsv(
  path: string,
  options: SeriesCsvOptions = {},
): Promise<PointSeriesProvider<number>> {
  let series: PointSeries;
  try {
    series = await loadPointSeriesCsv(path, options);
  } catch (error) {
    if (error instanceof DataFileError) {
      throw new Error(`cannot read context series ${error.message}`, { cause: error });
    }
    throw error;
  }
  return providerOf(series, options);
}

/** Parses time series CSV text into a provider; see `parsePointSeriesCsv` for the format and its checks. */
export function parseSeriesCsv(
  text: string,
  file: string,
  options: SeriesCsvOptions = {},
): PointSeriesProvider<number> {
  return providerOf(parsePointSeriesCsv(text, file, options), options);
}

function providerOf(series: PointSeries, options: SeriesCsvOptions): PointSeriesProvider<number> {
  const { periodMs } = series;
  if (periodMs === undefined && options.maxAgeMs === undefined) {
    throw new RangeError(
      `${series.file}: cannot infer the period of a series with ${series.known.length} row(s); set its period (periodMinutes) and staleness limit (maxAgeMinutes)`,
    );
  }
  return new PointSeriesProvider(series.name, series.known, Array.from(series.values), {
    maxAgeMs: options.maxAgeMs ?? 2 * (periodMs as number),
  });
}
