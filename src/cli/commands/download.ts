import { join } from "node:path";
import { loadConfig } from "../../config/load-config.js";
import { downloadCandles } from "../../data/exchange/download.js";
import { CandleStore } from "../../data/store/candle-store.js";
import { isoMinute } from "../format-time.js";
import { timeOption } from "../parse-options.js";
import { ProgressBar } from "../progress.js";
import { UsageError } from "../usage-error.js";

export interface DownloadCliOptions {
  exchange: string;
  symbol: string;
  timeframe: string;
  since: string;
  until?: string;
  apiUrl?: string;
  progress: boolean;
}

/** `aegis download`: CCXT → candle store (`<dataDir>/candles.sqlite`), resuming after what is already stored. */
export async function downloadCommand(options: DownloadCliOptions, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  const since = timeOption("since", options.since) as number;
  const until = timeOption("until", options.until);
  if (until !== undefined && until <= since) throw new UsageError("--until must be after --since");
  const exchangeConfig = config.exchanges[options.exchange];
  const apiBaseUrl = options.apiUrl ?? exchangeConfig?.apiBaseUrl;
  const storePath = join(config.dataDir, "candles.sqlite");
  const store = new CandleStore(storePath);
  const progress = new ProgressBar(`${options.exchange} ${options.symbol} ${options.timeframe}`, options.progress);
  try {
    const result = await downloadCandles({
      exchange: options.exchange,
      symbol: options.symbol,
      timeframe: options.timeframe,
      since,
      ...(until !== undefined ? { until } : {}),
      store,
      ...(apiBaseUrl ? { apiBaseUrl } : {}),
      ...(exchangeConfig
        ? {
            exchangeOptions: {
              ...(exchangeConfig.apiKey ? { apiKey: exchangeConfig.apiKey } : {}),
              ...(exchangeConfig.secret ? { secret: exchangeConfig.secret } : {}),
              ...(exchangeConfig.password ? { password: exchangeConfig.password } : {}),
              sandbox: exchangeConfig.sandbox,
            },
          }
        : {}),
      onProgress: (fetched, expected, last) =>
        progress.update(fetched, expected, new Date(last).toISOString().slice(0, 16)),
    });
    progress.done();
    const range =
      result.from === undefined ? "nothing new" : `${isoMinute(result.from)} → ${isoMinute(result.to as number)}`;
    const total = store.count(options.exchange, options.symbol, options.timeframe);
    process.stdout.write(
      `${result.exchange} ${result.symbol} ${result.timeframe}: stored ${result.stored} new bar(s) (${range})` +
        `${result.resumed ? `, resumed from ${isoMinute(result.resumedFrom as number)}` : ""}; ${result.pages} request(s), ${result.retries} retr${result.retries === 1 ? "y" : "ies"}; ` +
        `${total} bars in ${storePath}\n`,
    );
  } finally {
    progress.done();
    store.close();
  }
}
