import { type Command, Option } from "commander";

/** Collects a repeatable option into a list. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Declares every command with its options and help; the code behind a command is imported only when it runs.
 */
export function registerCommands(program: Command): void {
  program
    .command("backtest")
    .description("run a strategy over history (the simulated market by default: no keys, no network)")
    .option("-s, --strategy <name|file>", "built-in strategy name or a YAML/JSON spec file", "sma-cross")
    .option("-d, --data <file>", "CSV file (.csv or .csv.gz) of OHLCV bars; repeat for a portfolio", collect)
    .option("--exchange <id>", "read bars downloaded from this exchange (see `aegis download`)")
    .option("--symbol <symbol>", "symbol(s) for --exchange or the simulated market, comma-separated", "")
    .option("-t, --timeframe <tf>", "bar timeframe; resamples CSV data to it when higher than the file's")
    .option("--from <date>", "first bar to trade (ISO date or Unix ms)")
    .option("--to <date>", "last bar to trade (ISO date or Unix ms)")
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
    .option("-o, --out <dir>", "write trades.csv, equity.csv, decisions.jsonl, summary.json and report.html here")
    .option("--json", "print the summary as JSON instead of a table")
    .option("--no-progress", "no progress bar")
    .action(async (options, command: Command) => {
      const { backtestCommand } = await import("./commands/backtest.js");
      await backtestCommand(options, command.optsWithGlobals());
    });

  program
    .command("download")
    .description("download OHLCV history from a crypto exchange (CCXT) into the candle store; resumes")
    .requiredOption("--exchange <id>", "CCXT exchange id, e.g. binance")
    .requiredOption("--symbol <symbol>", "market symbol, e.g. BTC/USDT")
    .option("-t, --timeframe <tf>", "bar timeframe", "1h")
    .requiredOption("--since <date>", "first bar (ISO date or Unix ms)")
    .option("--until <date>", "stop before this time (default: now)")
    .option("--api-url <url>", "send REST calls to this base URL instead (testnet, proxy, local server)")
    .option("--no-progress", "no progress bar")
    .action(async (options, command: Command) => {
      const { downloadCommand } = await import("./commands/download.js");
      await downloadCommand(options, command.optsWithGlobals());
    });

  const data = program.command("data").description("inspect market data");
  data
    .command("check")
    .description("validate a CSV file: duplicates, order, gaps, bad prices, OHLC consistency, spikes")
    .argument("<file>", "CSV file (.csv or .csv.gz)")
    .option("-t, --timeframe <tf>", "expected timeframe (default: inferred)")
    .option("--policy <policy>", "reject | drop | ffill", "reject")
    .option("--json", "print the report as JSON")
    .action(async (file: string, options, command: Command) => {
      const { dataCheckCommand } = await import("./commands/data-check.js");
      await dataCheckCommand(file, options, command.optsWithGlobals());
    });
  data
    .command("list")
    .description("list the bars stored by `aegis download`")
    .action(async (_options, command: Command) => {
      const { dataListCommand } = await import("./commands/data-list.js");
      await dataListCommand(command.optsWithGlobals());
    });

  program
    .command("simulate")
    .description("generate simulated market bars (regimes, fat tails, volatility clustering, flash crashes) as CSV")
    .option("--bars <n>", "number of bars", "10000")
    .option("--seed <n>", "random seed", "42")
    .option("-t, --timeframe <tf>", "bar timeframe", "1h")
    .option("--symbol <symbol>", "symbol name", "SIM/USDT")
    .option("--start-price <price>", "first price", "30000")
    .option("-o, --out <file>", "write here (.csv or .csv.gz) instead of standard output")
    .action(async (options, command: Command) => {
      const { simulateCommand } = await import("./commands/simulate.js");
      await simulateCommand(options, command.optsWithGlobals());
    });

  program
    .command("strategies")
    .description("list the built-in strategies and their parameters")
    .addOption(new Option("--show <name>", "print one strategy's spec as YAML (a starting point for your own)"))
    .action(async (options) => {
      const { strategiesCommand } = await import("./commands/strategies.js");
      strategiesCommand(options);
    });

  program
    .command("config")
    .description("print the effective configuration (file + environment + defaults), secrets masked")
    .action(async (_options, command: Command) => {
      const { configCommand } = await import("./commands/config.js");
      configCommand(command.optsWithGlobals());
    });
}
