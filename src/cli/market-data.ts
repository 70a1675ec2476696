import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CandleSeries, lowerBound, sliceSeries } from "../domain/candles.js";
import { isTimeframe, TIMEFRAMES, type Timeframe } from "../domain/timeframe.js";
import { UsageError } from "./usage-error.js";

export interface MarketDataRequest {
  files?: readonly string[] | undefined;
  exchange?: string | undefined;
  symbols: readonly string[];
  timeframe?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  policy: string;
  /** Timestamp format of CSV files ("DD/MM/YYYY HH:mm"); default: epoch or ISO-8601. */
  dateFormat?: string | undefined;
  dataDir: string;
  simulated: { bars: number; seed: number };
}

export interface LoadedMarketData {
  series: CandleSeries[];
  /** Where the bars came from, for the summary ("simulated market seed 42", a path, "binance store"). */
  source: string;
  warnings: string[];
  /**
   * With --from: the same series cut only at --to, whose bars before --from can warm a strategy's indicators (see
   * src/cli/warmup.ts). Undefined without --from.
   */
  history?: { series: CandleSeries[]; from: number };
}

/**
 * Loads the bars a command asked for: CSV or Parquet files, the candle store filled by `aegis download`, or (when
 * neither is given) the simulated market, which needs no network. Then applies --timeframe and --from/--to.
 * Data warnings about the traded range (gaps, spikes, likely splits, dropped or filled rows) go to `warnings`.
 */
export async function loadMarketData(request: MarketDataRequest): Promise<LoadedMarketData> {
  const timeframe = parseTimeframe(request.timeframe);
  if (!["reject", "drop", "ffill"].includes(request.policy)) {
    throw new UsageError(`--policy ${request.policy}: expected reject, drop or ffill`);
  }
  if (request.from !== undefined && request.to !== undefined && request.from > request.to) {
    throw new UsageError(
      `--from ${new Date(request.from).toISOString()} is after --to ${new Date(request.to).toISOString()}`,
    );
  }
  const warnings: string[] = [];
  let loaded: CandleSeries[];
  let source: string;
  if (request.files && request.files.length > 0) {
    if (request.exchange) throw new UsageError("give either --data or --exchange, not both");
    if (request.symbols.length > 0 && request.symbols.length !== request.files.length) {
      throw new UsageError(
        `--symbol names ${request.symbols.length} symbol(s) for ${request.files.length} --data file(s); give one per file or none`,
      );
    }
    for (const file of request.files) checkDataFile(file);
    const { loadDataFiles } = await import("./load-data-files.js");
    const { seriesCacheDir } = await import("./series-cache.js");
    loaded = await loadDataFiles({ ...request, cacheDir: seriesCacheDir() }, warnings).catch((error: unknown) => {
      throw readFailure((request.files ?? []).join(", "), error);
    });
    source = request.files.join(", ");
  } else if (request.exchange) {
    if (request.symbols.length === 0) throw new UsageError("--exchange needs --symbol (e.g. --symbol BTC/USDT)");
    if (!timeframe) throw new UsageError("--exchange needs --timeframe (e.g. --timeframe 1h)");
    const { CandleStore } = await import("../data/store/candle-store.js");
    const store = new CandleStore(join(request.dataDir, "candles.sqlite"));
    try {
      loaded = request.symbols.map((symbol) => {
        const stored = store.count(request.exchange as string, symbol, timeframe);
        if (stored === 0) {
          const have = store
            .list()
            .filter((s) => s.exchange === request.exchange && s.symbol === symbol)
            .map((s) => s.timeframe);
          throw new UsageError(
            `no ${timeframe} bars of ${symbol} from ${request.exchange} in ${request.dataDir}` +
              (have.length > 0
                ? ` (stored timeframes: ${have.join(", ")})`
                : `; run: aegis download --exchange ${request.exchange} --symbol ${symbol} --timeframe ${timeframe} --since 2024-01-01`),
          );
        }
        // Bars before --from are loaded too: they can warm the indicators (clip() below cuts the range).
        return store.load(request.exchange as string, symbol, timeframe, {
          ...(request.to !== undefined ? { to: request.to } : {}),
        });
      });
    } finally {
      store.close();
    }
    source = `${request.exchange} (candle store ${request.dataDir})`;
  } else {
    // On two cores for long markets (bit-identical to simulateMarket; short ones stay in this thread).
    const { simulateMarketInParallel } = await import("../data/simulated/sim-market-thread.js");
    const symbols = request.symbols.length > 0 ? request.symbols : ["SIM/USDT"];
    loaded = symbols.map((symbol, k) => {
      const seed = request.simulated.seed + k;
      return simulateMarketInParallel({
        seed,
        bars: request.simulated.bars,
        symbol,
        ...(timeframe ? { timeframe } : {}),
      }).series;
    });
    source = `simulated market (seed ${request.simulated.seed}, ${request.simulated.bars} bars${symbols.length > 1 ? " per symbol, seed + i" : ""})`;
  }
  const out: CandleSeries[] = [];
  const history: CandleSeries[] = [];
  for (let series of loaded) {
    if (timeframe && series.timeframe !== timeframe) series = await convertTimeframe(series, timeframe, warnings);
    out.push(clip(series, request.from, request.to));
    if (request.from !== undefined) history.push(clip(series, undefined, request.to));
  }
  return {
    series: out,
    source,
    warnings,
    ...(request.from !== undefined ? { history: { series: history, from: request.from } } : {}),
  };
}

function checkDataFile(file: string): void {
  if (!existsSync(file)) throw new UsageError(`--data ${file}: no such file`);
  const stat = statSync(file);
  if (stat.isDirectory()) throw new UsageError(`--data ${file}: is a directory; give a CSV file (.csv or .csv.gz)`);
  if (!stat.isFile()) throw new UsageError(`--data ${file}: is not a regular file`);
}

/** A file that cannot be read or decompressed is bad input (exit 2), said in words rather than as ENOENT/EISDIR. */
function readFailure(file: string, error: unknown): unknown {
  if (!(error instanceof Error) || error.name === "DataError" || error instanceof UsageError) return error;
  const code = systemCode(error) ?? systemCode(error.cause);
  if (code === undefined) return error;
  const words: Record<string, string> = {
    ENOENT: "no such file",
    EISDIR: "is a directory",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOTDIR: "a parent is not a directory",
  };
  const text = words[code] ?? error.message.replace(/^[A-Z_]+: /, "");
  return new UsageError(text.startsWith(file) ? text : `--data ${file}: ${text}`);
}

function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function parseTimeframe(text: string | undefined): Timeframe | undefined {
  if (text === undefined) return undefined;
  if (!isTimeframe(text))
    throw new UsageError(`--timeframe ${text}: unknown (expected one of ${Object.keys(TIMEFRAMES).join(", ")})`);
  return text;
}

async function convertTimeframe(series: CandleSeries, timeframe: Timeframe, warnings: string[]): Promise<CandleSeries> {
  const have = series.timeframe;
  if (have === undefined)
    throw new UsageError(`${series.symbol}: cannot tell the data's timeframe to convert it to ${timeframe}`);
  if (TIMEFRAMES[timeframe] < TIMEFRAMES[have] || TIMEFRAMES[timeframe] % TIMEFRAMES[have] !== 0) {
    throw new UsageError(
      `${series.symbol}: the data is ${have}; it cannot give ${timeframe} bars (only multiples of ${have})`,
    );
  }
  const { resample } = await import("../data/resample.js");
  const result = resample(series, timeframe);
  if (!result.lastBucketComplete) {
    warnings.push(`${series.symbol}: the last ${timeframe} bar is incomplete and was left out`);
    return sliceSeries(result.series, 0, result.series.length - 1);
  }
  return result.series;
}

function clip(series: CandleSeries, from: number | undefined, to: number | undefined): CandleSeries {
  if (from === undefined && to === undefined) return series;
  const start = from === undefined ? 0 : lowerBound(series, from);
  const end = to === undefined ? series.length : lowerBound(series, to + 1);
  const clipped = sliceSeries(series, start, end);
  if (clipped.length === 0) {
    const first = series.length > 0 ? new Date(series.time[0] as number).toISOString() : "none";
    const last = series.length > 0 ? new Date(series.time[series.length - 1] as number).toISOString() : "none";
    throw new UsageError(`${series.symbol}: no bars between --from and --to (the data covers ${first} to ${last})`);
  }
  return clipped;
}
