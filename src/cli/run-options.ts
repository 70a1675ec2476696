import { dirname } from "node:path";
import type { Command } from "commander";
import type { AegisConfig } from "../config/schema.js";
import type { CandleSeries } from "../domain/candles.js";
import { parseSlippage, type SlippageModel } from "../execution/slippage.js";
import type { RiskConfig } from "../risk/config.js";
import type { ContextProviders } from "../risk/context/config.js";
import { currenciesOf, parseSize, type SizeRule } from "../risk/sizing/size-rule.js";
import type { LoadedMarketData } from "./market-data.js";
import { numberOption, parseParams, positive, positiveInteger, timeOption } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** Options every command that runs backtests shares (backtest, grid, walkforward, stress). */
export interface RunCliOptions {
  data?: string[];
  exchange?: string;
  symbol: string;
  timeframe?: string;
  from?: string;
  to?: string;
  cash?: string;
  fee?: string;
  slippage?: string;
  participation?: string;
  size?: string;
  leverage: string;
  param?: string[];
  bars: string;
  seed?: string;
  policy: string;
  /** false with --no-risk. */
  risk: boolean;
}

export interface RunSettings {
  cash: number;
  fee: number;
  slippageText: string;
  slippage: SlippageModel;
  sizeText: string | undefined;
  size: SizeRule | undefined;
  leverage: number;
  participation: number | undefined;
  seed: number;
  params: Record<string, number>;
  data: LoadedMarketData;
  /** The risk config runs go through; undefined with --no-risk (sanity checks only). */
  risk: RiskConfig | undefined;
  /** Context series named in the risk config, loaded once. */
  providers: ContextProviders | undefined;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Declares the shared data and cost options on `command`. */
export function addRunOptions(command: Command): Command {
  return command
    .option("-d, --data <file>", "CSV file (.csv or .csv.gz) of OHLCV bars; repeat for a portfolio", collect)
    .option("--exchange <id>", "read bars downloaded from this exchange (see `aegis download`)")
    .option("--symbol <symbol>", "symbol(s) for --exchange or the simulated market, comma-separated", "")
    .option("-t, --timeframe <tf>", "bar timeframe; resamples CSV data to it when higher than the file's")
    .option("--from <date>", "first bar to trade (ISO date or Unix ms; a date alone is the whole day)")
    .option("--to <date>", "last bar to trade, inclusive (ISO date or Unix ms; a date alone is the whole day)")
    .option("--cash <amount>", "starting cash in quote currency")
    .option("--fee <fraction>", "maker and taker fee as a fraction of notional (0.001 = 0.1 %)")
    .option("--slippage <model>", "slippage: 5bps (fixed), vol:0.1 (× previous bar range), 0 (none)")
    .option("--participation <fraction>", "max share of a bar's volume one order may take (partial fills)")
    .option("--size <size>", "position size: 1 (base units), 1000USDT (quote amount), 10% (of equity)")
    .option("--leverage <x>", "leverage for new positions", "1")
    .option("-p, --param <key=value>", "strategy parameter, repeatable (e.g. --param fast=10)", collect)
    .option("--bars <n>", "simulated market: number of bars", "20000")
    .option("--seed <n>", "simulated market and any randomness: seed")
    .option("--policy <policy>", "bad rows in CSV data: reject | drop | ffill", "reject")
    .option("--no-risk", "run without the risk shield (strategy research only; sanity checks stay)");
}

/** Validates the shared options (each error names its option) and loads the data they point at. */
export async function resolveRunOptions(
  options: RunCliOptions,
  config: AegisConfig,
  configFile?: string,
): Promise<RunSettings> {
  const defaults = config.backtest;
  const cash = numberOption("cash", options.cash, positive) ?? defaults.cash;
  const fee =
    numberOption("fee", options.fee, (n) =>
      n >= 0 && n < 0.1 ? undefined : "must be a fraction in [0, 0.1), e.g. 0.001",
    ) ?? defaults.fee;
  const participation = numberOption("participation", options.participation, (n) =>
    n > 0 && n <= 1 ? undefined : "must be in (0, 1]",
  );
  const leverage =
    numberOption("leverage", options.leverage, (n) => (n >= 1 && n <= 125 ? undefined : "must be in [1, 125]")) ?? 1;
  const seed =
    numberOption("seed", options.seed, (n) => (Number.isInteger(n) ? undefined : "must be a whole number")) ??
    defaults.seed;
  const bars = numberOption("bars", options.bars, positiveInteger) ?? 20_000;
  const slippageText = options.slippage ?? String(defaults.slippageBps);
  const slippage = asUsage(`--slippage ${slippageText}`, () => parseSlippage(slippageText));
  const params = parseParams(options.param);
  const symbols = options.symbol
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  // Imported here: the data loaders and the context providers' zod schemas are needed once a run starts, and every
  // command (`--version`, `--help` too) loads this file to declare its options.
  const { loadMarketData } = await import("./market-data.js");
  const data = await loadMarketData({
    files: options.data,
    exchange: options.exchange,
    symbols,
    timeframe: options.timeframe,
    from: timeOption("from", options.from),
    to: timeOption("to", options.to, "end-of-day"),
    policy: options.policy,
    dataDir: config.dataDir,
    simulated: { bars, seed },
  });
  for (const warning of data.warnings) process.stderr.write(`warning: ${warning}\n`);
  const sizeText = options.size ?? defaults.size;
  const size = sizeText === undefined ? undefined : resolveSize(sizeText, options.size === undefined, data.series);
  const risk = options.risk === false ? undefined : config.risk;
  const providers =
    risk?.enabled === true
      ? await (await import("../risk/context/config.js")).loadContextProviders(risk.context, {
          baseDir: configFile ? dirname(configFile) : process.cwd(),
        })
      : undefined;
  return {
    cash,
    fee,
    slippageText,
    slippage,
    sizeText,
    size,
    leverage,
    participation,
    seed,
    params,
    data,
    risk,
    providers,
  };
}

/**
 * The size rule of a run: one rule for every symbol, so a currency must mean the same on each (`--size 2BTC` on
 * BTC and ETH is refused). Errors name `backtest.size` when the size came from the config.
 */
function resolveSize(text: string, fromConfig: boolean, series: readonly CandleSeries[]): SizeRule {
  const name = fromConfig ? "backtest.size (config)" : "--size";
  const rules = series.map((s) => {
    try {
      return parseSize(text, currenciesOf(s.symbol));
    } catch (error) {
      const message = (error as Error).message;
      throw new UsageError(fromConfig ? message.replace(/--size /, `${name} `) : message);
    }
  });
  const first = rules[0];
  if (first === undefined) return parseSize(text);
  if (rules.some((r) => r.type !== first.type))
    throw new UsageError(`${name} ${text}: that currency is the base of some symbols and the quote of others`);
  return first;
}

function asUsage<T>(option: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(message.startsWith(option) ? message : `${option}: ${message}`);
  }
}

/** Grids and walk-forward runs do not load context series in their workers; say so when some are configured. */
export function warnContextInBatch(risk: RiskConfig | undefined): void {
  const c = risk?.context;
  if (!c || !risk?.enabled) return;
  if (Object.keys(c.macro.files).length > 0 || c.whale.file !== undefined || c.sentiment.file !== undefined) {
    process.stderr.write(
      "warning: market-context files are not applied in grid and walk-forward runs; those multipliers run neutral\n",
    );
  }
}
