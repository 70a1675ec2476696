import { type Command, Option } from "commander";
import { registerLlmResearchCommands } from "./commands/llm-research.js";
import { addRunOptions } from "./run-options.js";

/** Collects a repeatable option into a list. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Declares every command with its options and help; the code behind a command is imported only when it runs.
 */
export function registerCommands(program: Command): void {
  addRunOptions(
    program
      .command("backtest")
      .description("run a strategy over history (the simulated market by default: no keys, no network)")
      .option(
        "-s, --strategy <name|file>",
        "built-in strategy name, a YAML/JSON spec file, a .ts/.js strategy module, ml:<model.json> (aegis train ml), dqn:<agent.json> (aegis train dqn) or leverage-dqn:<agent.json>[?funding=FILE] (aegis train leverage-dqn); repeat it to let several strategies vote on each symbol",
        (value: string, previous: string | string[]) => (Array.isArray(previous) ? [...previous, value] : [value]),
        "sma-cross" as string | string[],
      ),
  )
    .option("-o, --out <dir>", "write trades.csv, equity.csv, decisions.jsonl, summary.json and report.html here")
    .option("--json", "print the summary as JSON instead of a table")
    .option("--no-progress", "no progress bar")
    .option(
      "--funding <[symbol=]file>",
      "funding-rate CSV of a perpetual, charged every funding time (repeatable)",
      collect,
    )
    .option("--llm-advisor", "consult the configured LLM advisor (llm.advisor) on each proposed trade")
    .option(
      "--llm-replay <store>",
      "replay the advisor's answers recorded in paper trading (the store's SQLite file or postgres:// URL); reproducible",
    )
    .option("--force-contaminated", "consult the model on bars before its training cutoff; every result is labelled")
    .action(async (options, command: Command) => {
      const { backtestCommand } = await import("./commands/backtest.js");
      await backtestCommand(options, command.optsWithGlobals());
    });

  program
    .command("trade")
    .description("paper trading on live bars, on the embedded simulated exchange by default (no keys, no network)")
    .option("--mode <mode>", "paper (simulated fills on live bars) | testnet | live", "paper")
    .option(
      "--exchange <id>",
      "sim (local exchange speaking Binance's protocol), alpaca-sim (local Alpaca: stocks, NYSE hours), sim,alpaca-sim (both, one portfolio), alpaca (Alpaca's paper API in testnet, live API in live; ALPACA_API_KEY/_SECRET) or a CCXT id: binance, binanceusdm …",
      "sim",
    )
    .option("--symbols <list>", "comma-separated symbols", "BTC/USDT,ETH/USDT")
    .option("--timeframe <tf>", "bar length the strategies trade", "1m")
    .option("-s, --strategy <name>", "a strategy for every symbol, or SYMBOL=NAME per symbol (repeatable)", collect, [])
    .option("--speed <x>", "simulated exchange only: market time per wall time (60 = a minute per second)", "60")
    .option("--cash <amount>", "starting cash of a new session, in the quote currency", "10000")
    .option("--store <url>", "sqlite:PATH or postgres://… (default: store.url, else <dataDir>/aegis.sqlite)")
    .option("--session <name>", "session name: the same name resumes where it stopped (default paper-<exchange>-<tf>)")
    .option("--warmup <bars>", "closed bars loaded before the first live one, to warm indicators", "200")
    .option("--seed <seed>", "simulated exchange only: seed of its markets", "42")
    .option("--steps <n>", "stop after this many time steps (demos and tests)")
    .option("--live", "second gate for --mode live (the config must also say trading.live: true)")
    .option("--venue-url <url>", "--exchange sim: a simulated exchange already running at this http://127.0.0.1:PORT")
    .option("--no-status", "do not print the status block")
    .option("--supervise", "run the bot in a child process and restart it with backoff when it crashes")
    .option("--api-port <port>", "port of the API and dashboard (default api.port, 8420; 0 = any free port)")
    .option("--no-api", "serve no API or dashboard")
    .option(
      "--reports <dir>",
      "a folder of `aegis backtest --out` results for the dashboard's report viewer (repeatable)",
      collect,
      [],
    )
    .action(async (options, command: Command) => {
      if (options.supervise) {
        const { supervise } = await import("./supervisor.js");
        const args = process.argv.slice(1).filter((arg) => arg !== "--supervise");
        const result = await supervise({ command: [process.execPath, ...process.execArgv, ...args] });
        process.exitCode = result.exitCode;
        return;
      }
      const { tradeCommand } = await import("./commands/trade.js");
      // trading.slots applies only when the command line names neither symbols nor strategies.
      const symbolsGiven = command.getOptionValueSource("symbols") === "cli";
      await tradeCommand({ ...options, symbolsGiven }, command.optsWithGlobals());
    });

  program
    .command("stop")
    .description("emergency stop of a running trading session: halt, cancel what would open risk, optionally flatten")
    .option("--by <name>", "who stops it (required; recorded)")
    .option("--reason <text>", "why (recorded)")
    .option("--flatten", "also close every position at once")
    .option("--session <name>", "only this session (default: every session in the store)")
    .option("--store <url>", "sqlite:PATH or postgres://… (default: store.url, else <dataDir>/aegis.sqlite)")
    .action(async (options, command: Command) => {
      const { stopCommand } = await import("./commands/stop.js");
      await stopCommand(options, command.optsWithGlobals());
    });

  program
    .command("serve")
    .description("the API and dashboard over a store, read-only (a finished run, a stopped bot); controls answer 409")
    .option("--store <url>", "sqlite:PATH or postgres://… (default: store.url, else <dataDir>/aegis.sqlite)")
    .option("--session <name>", "the trading session to show (default: the last one updated)")
    .option("--port <port>", "port to listen on (default api.port, 8420; 0 = any free port)")
    .option("--host <address>", "address to bind (default api.host, 127.0.0.1)")
    .option("--reports <dir>", "a folder of `aegis backtest --out` results to show (repeatable)", collect, [])
    .option(
      "--models <dir>",
      "a folder of `aegis train ml --out` runs for the model panel (repeatable; default ./models)",
      collect,
      [],
    )
    .action(async (options, command: Command) => {
      const { serveCommand } = await import("./commands/serve.js");
      await serveCommand(options, command.optsWithGlobals());
    });

  program
    .command("status")
    .description("equity, positions, last decisions, shield and feed health of every trading session in the store")
    .option("--store <url>", "sqlite:PATH or postgres://… (default: store.url, else <dataDir>/aegis.sqlite)")
    .option("--session <name>", "only this session")
    .option("--json", "print JSON")
    .action(async (options, command: Command) => {
      const { statusCommand } = await import("./commands/status.js");
      await statusCommand(options, command.optsWithGlobals());
    });

  addRunOptions(
    program
      .command("grid")
      .description("backtest every combination of parameter values, in parallel on worker threads")
      .option("-s, --strategy <name|file>", "built-in strategy name or a YAML/JSON spec file", "sma-cross")
      .requiredOption("-g, --grid <name=values>", "values to try: fast=5,10,20 or fast=5:50:5 (repeatable)", collect),
  )
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--sort <metric>", "metric to rank by (sharpe, totalReturn, calmar, maxDrawdown …)", "sharpe")
    .option("--top <n>", "rows to print", "20")
    .option("-o, --out <file>", "write every row as CSV")
    .option("--no-progress", "no progress bar")
    .option("-y, --yes", "start a grid of more than 10,000 combinations (it prints the count and an estimate first)")
    .action(async (options, command: Command) => {
      const { gridCommand } = await import("./commands/grid.js");
      await gridCommand(options, command.optsWithGlobals());
    });

  addRunOptions(
    program
      .command("optimize")
      .description(
        "search a strategy's parameters (TPE Bayesian optimization or random), scored on folds before a cut and judged after it",
      )
      .option("-s, --strategy <name|file>", "built-in strategy name or a YAML/JSON spec file", "ema-cross")
      .option(
        "--space <name=low:high>",
        "range to search (repeatable; default: the strategy's built-in space)",
        collect,
      ),
  )
    .option("--trials <n>", "parameter sets to try", "100")
    .option("--sampler <name>", "tpe | random", "tpe")
    .option("--folds <n>", "consecutive windows of the searched period; a trial's score is their mean", "3")
    .option("--objective <metric>", "metric to maximize", "sharpe")
    .option("--min-trades <n>", "a fold with fewer trades has no score", "3")
    .option("--cut <date>", "first day held out of the search (default: the last quarter of the data is held out)")
    .option(
      "--regime <name>",
      "any | all | bull | bear | sideways: score only bars of that regime (all = one search each)",
      "any",
    )
    .option("--no-prune", "run every fold of every trial (no median pruning)")
    .option("-o, --out <dir>", "write optimize.json (every trial) here")
    .option("--json", "print the result as JSON")
    .option("--no-progress", "no progress bar")
    .action(async (options, command: Command) => {
      const { optimizeCommand } = await import("./commands/optimize.js");
      await optimizeCommand(options, command.optsWithGlobals());
    });

  addRunOptions(
    program
      .command("walkforward")
      .description(
        "walk-forward analysis: choose parameters on each training window, trade them on the next test window",
      )
      .option("-s, --strategy <name|file>", "built-in strategy name or a YAML/JSON spec file", "sma-cross")
      .option("-g, --grid <name=values>", "values to choose from on each training window (repeatable)", collect),
  )
    .requiredOption("--train <bars>", "training window, in bars")
    .requiredOption("--test <bars>", "test window, in bars")
    .option("--step <bars>", "step between windows (default: the test window)")
    .option("--mode <mode>", "rolling | anchored", "rolling")
    .option("--objective <metric>", "metric to choose parameters by", "sharpe")
    .option("--workers <n>", "worker threads for the training grids (0 = none)")
    .option("-o, --out <dir>", "write walkforward.json, equity.csv and trades.csv (out-of-sample) here")
    .option("--json", "print the result as JSON")
    .option("--no-progress", "no progress bar")
    .action(async (options, command: Command) => {
      const { walkForwardCommand } = await import("./commands/walk-forward.js");
      await walkForwardCommand(options, command.optsWithGlobals());
    });

  program
    .command("evolve")
    .description("genetic search over strategy specs: out-of-sample fitness, validation gates, report")
    .option("-d, --data <file>", "bars of one symbol (CSV, CSV.gz or Parquet)")
    .option("--generations <n>", "generations to run", "20")
    .option("--population <n>", "strategies per generation", "50")
    .option("--seed <seed>", "seed of the search (same seed, same result)", "1")
    .option("--cut <date>", "search and gates only on bars before this date; the best is then traded after it")
    .option(
      "--regime <name>",
      "evolve strategies that enter only in this regime: bull, bear, crash, sideways, highVolatility",
    )
    .option("--holdout <fraction>", "share of the bars before the cut kept for the gates", "0.2")
    .option("--cash <amount>", "starting cash", "10000")
    .option("--fee <fraction>", "fee per fill, a fraction of notional", "0.001")
    .option("--workers <n>", "worker threads for fitness (0 = this thread)")
    .option("--queue <url>", "score fitness on `aegis worker` processes through a BullMQ queue at this Redis URL")
    .option("--queue-name <name>", "queue name (default aegis-evolve)")
    .option("--max-evaluations <n>", "stop after this many distinct strategies")
    .option("--patience <n>", "stop when the best fitness has not improved for this many generations")
    .option("--store <url>", "record every evolved strategy in this store (sqlite:PATH or postgres://…)")
    .option("--blacklist <file>", "spec hashes never to propose again (default: <out>/blacklist.json)")
    .option("-o, --out <dir>", "write evolution.json, report.html, candidates.json and blacklist.json here")
    .option("--json", "print the result as JSON")
    .action(async (options) => {
      const { evolveCommand } = await import("./commands/evolve.js");
      await evolveCommand(options);
    });

  program
    .command("worker")
    .description("score `aegis evolve --queue` fitness jobs from a BullMQ queue on Redis (one process per core)")
    .option("--queue <url>", "Redis URL of the queue (redis://HOST:PORT)")
    .option("--queue-name <name>", "queue name (default aegis-evolve)")
    .option("--concurrency <n>", "jobs at once in this process", "1")
    .option("--lock-ms <ms>", "a job whose worker is silent this long goes to another worker", "30000")
    .action(async (options) => {
      const { workerCommand } = await import("./commands/worker.js");
      await workerCommand(options);
    });

  addRunOptions(
    program
      .command("stress")
      .description("flash-crash red-team gate: inject crashes, check that stops fire, drawdown and re-entry loops")
      .option("-s, --strategy <name|file>", "built-in strategy name or a YAML/JSON spec file (required)"),
  )
    .option("--crash <size>", "size of each crash: 20% (or 0.2) of the crash bar's open", "20%")
    .option("--rebound <share>", "share of the drop won back after the crash", "50%")
    .option("--rebound-bars <n>", "bars over which the rebound happens", "6")
    .option("--gap", "crash at the open (stops fill at the bottom) instead of inside the bar")
    .option("--injections <n>", "number of crashes, each in its own run", "5")
    .option("--threshold <size>", "an injection fails when its max drawdown reaches this", "15%")
    .option("--window <bars>", "bars after the crash bar that count as the crash window", "24")
    .option("--loop-entries <n>", "losing entries inside the window that make a re-entry loop", "2")
    .option("--warmup <bars>", "no crash before this bar (default: the strategy's lookback + 1)")
    .option("--json", "print the report as JSON instead of a table")
    .addHelpText("after", "\nExit code: 0 when the strategy passes, 1 when it fails the gate, 2 on bad input.")
    .action(async (options, command: Command) => {
      const { stressCommand } = await import("./commands/stress.js");
      await stressCommand(options, command.optsWithGlobals());
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
    .description("validate a data file: duplicates, order, gaps, bad or implausible prices, OHLC consistency, spikes")
    .argument("<file>", "CSV (.csv, .csv.gz; , ; or tab separated) or Parquet (.parquet) file")
    .option("-t, --timeframe <tf>", "expected timeframe (default: inferred)")
    .option("--policy <policy>", "reject | drop | ffill", "reject")
    .option("--date-format <format>", "timestamp format, e.g. DD/MM/YYYY HH:mm (default: epoch or ISO-8601)")
    .option("--calendar <name>", "24/7 | weekdays | nyse: which bars count as missing (default: detected)")
    .option("--json", "print the report as JSON")
    .action(async (file: string, options, command: Command) => {
      const { dataCheckCommand } = await import("./commands/data-check.js");
      await dataCheckCommand(file, options, command.optsWithGlobals());
    });
  data
    .command("convert")
    .description("convert candles between CSV(.gz) and Parquet, by the output's name; the input is validated first")
    .argument("<in>", "CSV, CSV.gz or Parquet file")
    .argument("<out>", "output file: .parquet, .csv or .csv.gz")
    .option("-t, --timeframe <tf>", "expected timeframe (default: inferred)")
    .option("--policy <policy>", "reject | drop | ffill", "reject")
    .option("--date-format <format>", "timestamp format of a CSV input, e.g. DD/MM/YYYY HH:mm")
    .action(async (input: string, output: string, options, command: Command) => {
      const { dataConvertCommand } = await import("./commands/data-convert.js");
      await dataConvertCommand(input, output, options, command.optsWithGlobals());
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

  const strategies = program
    .command("strategies")
    .description("list the built-in strategies and their parameters; manage stored strategies' lifecycle")
    .addOption(new Option("--show <name>", "print one strategy's spec as YAML (a starting point for your own)"))
    .action(async (options) => {
      const { strategiesCommand } = await import("./commands/strategies.js");
      strategiesCommand(options);
    });
  strategies
    .command("list")
    .description("stored strategies (evolved, LLM-proposed, approved) and their lifecycle status")
    .option("--status <status>", "only this status")
    .action(async (options, command: Command) => {
      const { strategiesListCommand } = await import("./commands/lifecycle.js");
      await strategiesListCommand(options, command.optsWithGlobals());
    });
  strategies
    .command("show")
    .description("a stored strategy: its spec and every lifecycle transition with who, when and why")
    .argument("<id>")
    .action(async (id: string, _options, command: Command) => {
      const { strategiesShowCommand } = await import("./commands/lifecycle.js");
      await strategiesShowCommand(id, command.optsWithGlobals());
    });
  strategies
    .command("approve")
    .description("a person's approval: awaiting-approval → live-small, or live-small → live (under the stability lock)")
    .argument("<id>")
    .option("--by <name>", "who approves (recorded)")
    .option("--reason <text>", "why (recorded)")
    .option("--emergency <reason>", "override the stability lock, with a reason (recorded)")
    .action(async (id: string, options, command: Command) => {
      const { strategiesApproveCommand } = await import("./commands/lifecycle.js");
      await strategiesApproveCommand(id, options, command.optsWithGlobals());
    });
  strategies
    .command("retire")
    .description("retire a stored strategy")
    .argument("<id>")
    .option("--by <name>", "who retires it (recorded)")
    .option("--reason <text>", "why (recorded)")
    .action(async (id: string, options, command: Command) => {
      const { strategiesRetireCommand } = await import("./commands/lifecycle.js");
      await strategiesRetireCommand(id, options, command.optsWithGlobals());
    });
  strategies
    .command("rollback")
    .description("retire the live strategy and bring back the one it replaced")
    .option("--by <name>", "who rolls back (recorded)")
    .option("--reason <text>", "why (recorded)")
    .action(async (options, command: Command) => {
      const { strategiesRollbackCommand } = await import("./commands/lifecycle.js");
      await strategiesRollbackCommand(options, command.optsWithGlobals());
    });

  const context = program
    .command("context")
    .description("news, sentiment, fear and greed, whale inflows and index closes as the providers saw them");
  context
    .command("show")
    .description("what every context provider knew at an instant (replayed from the store, never a later record)")
    .option("--at <time>", "the instant: 2024-03-01T12:00, a date or Unix ms (default now)")
    .option("--store <url>", "sqlite:PATH or postgres://… (default: store.url, else <dataDir>/aegis.sqlite)")
    .option("--json", "print JSON")
    .action(async (options, command: Command) => {
      const { contextShowCommand } = await import("./commands/context.js");
      await contextShowCommand(options, command.optsWithGlobals());
    });
  context
    .command("poll")
    .description("fetch the given context sources once and store what is new with the instant it was seen")
    .option("--rss <[name=]url>", "an RSS 2.0 or Atom feed (repeatable)", collect)
    .option("--fear-greed <url>", "alternative.me's API, e.g. https://api.alternative.me/fng/?limit=10&format=json")
    .option("--whale-url <url>", "Whale Alert's /v1/transactions endpoint (key in WHALE_ALERT_API_KEY)")
    .option("--store <url>", "sqlite:PATH or postgres://… (default: store.url, else <dataDir>/aegis.sqlite)")
    .option("--json", "print JSON")
    .action(async (options, command: Command) => {
      const { contextPollCommand } = await import("./commands/context.js");
      await contextPollCommand(options, command.optsWithGlobals());
    });

  const risk = program
    .command("risk")
    .description("the durable risk state of paper/live trading: kill switch, macro risk, locks");
  risk
    .command("status")
    .description("show the kill switch, macro risk level, stability lock and the last risk events")
    .action(async (_options, command: Command) => {
      const { riskStatusCommand } = await import("./commands/risk.js");
      await riskStatusCommand(command.optsWithGlobals());
    });
  risk
    .command("reset")
    .description("clear a tripped kill switch (only a person may; the audit trail records who)")
    .requiredOption("--by <name>", "who is resetting it")
    .action(async (options, command: Command) => {
      const { riskResetCommand } = await import("./commands/risk.js");
      await riskResetCommand(options, command.optsWithGlobals());
    });
  risk
    .command("clear-macro")
    .description("clear global risk HIGH set by the macro layer (SPY/QQQ drop)")
    .requiredOption("--by <name>", "who is clearing it")
    .action(async (options, command: Command) => {
      const { riskClearMacroCommand } = await import("./commands/risk.js");
      await riskClearMacroCommand(options, command.optsWithGlobals());
    });

  program
    .command("llm")
    .description("the language-model roles (advisor, auditor …)")
    .command("status")
    .description("each role: off, or its model, endpoint, whether the endpoint answers, and the last error")
    .option("--json", "print the status as JSON")
    .action(async (options, command: Command) => {
      const { llmStatusCommand } = await import("./commands/llm.js");
      await llmStatusCommand(options, command.optsWithGlobals());
    });

  program
    .command("export")
    .description("write trades, decisions, orders or equity from the trading store as CSV or JSON")
    .argument("<table>", "trades | decisions | orders | equity")
    .option("--format <format>", "csv | json", "csv")
    .option("--from <date>", "first time included (ISO date or Unix ms)")
    .option("--to <date>", "last time included (ISO date or Unix ms)")
    .option("--store <path|url>", "sqlite:PATH, a file path or postgres://… (default: the configured store)")
    .option("-o, --out <file>", "write here instead of standard output")
    .action(async (table: string, options, command: Command) => {
      const { exportCommand } = await import("./commands/export.js");
      await exportCommand(table, options, command.optsWithGlobals());
    });

  const train = program.command("train").description("train a learning model on history (judged out of sample)");
  for (const kind of ["dqn", "leverage-dqn"] as const) {
    const command = train
      .command(kind)
      .description(
        kind === "dqn"
          ? "DQN agent (HOLD/BUY/SELL): train, early-stop on validation, judge once on a held-out test window"
          : "leverage DQN (FLAT, LONG/SHORT 1-10×) on a perpetual with funding, liquidation-aware, through the leverage guard",
      )
      .option("--data <file>", kind === "dqn" ? "candle file (CSV, CSV.gz or Parquet)" : "perpetual candle file");
    if (kind === "leverage-dqn") command.option("--funding <file>", "funding-rate CSV of the perpetual (required)");
    command
      .option("--from <date>", "first bar used (ISO date or Unix ms)")
      .option("--to <date>", "last bar used (ISO date or Unix ms)")
      .option("--train-until <date>", "end of the training window (default: 60 % of the bars)")
      .option("--validate-until <date>", "end of the validation window; the test window follows (default: 80 %)")
      .option("--epochs <n>", "most passes over the training window", "10")
      .option("--patience <n>", "stop after this many epochs without a better validation return", "3")
      .option("--train-every <bars>", "one minibatch update every this many bars", "4")
      .option("--fee <fraction>", "maker and taker fee", kind === "dqn" ? "0.001" : "0.0005")
      .option("--slippage-bps <bps>", "slippage per market fill, basis points", "2")
      .option("--cash <amount>", "starting cash of each window", "10000")
      .option("--seed <n>", "seed: same seed, same data → the same agent file", "1")
      .option("--permutations <k>", "permutation baseline: also train K agents on shuffled training bars", "0");
    if (kind === "dqn") command.option("--short", "SELL reverses into a short (default: SELL closes the long)");
    command
      .option("-o, --out <dir>", "write agent.json and report.json here", `models/${kind}`)
      .option("--json", "print the report as JSON")
      .option("--no-progress", "no progress bar")
      .action(async (options) => {
        const module = await import("./commands/train-dqn.js");
        await (kind === "dqn" ? module.trainDqnCommand(options) : module.trainLeverageDqnCommand(options));
      });
  }
  train
    .command("ml")
    .description("random forest + XGBoost ensemble: walk-forward folds, a final model and metrics.json in --out")
    .option("--data <file>", "candle file (CSV, CSV.gz or Parquet)")
    .option("--from <date>", "first bar used (ISO date or Unix ms)")
    .option("--to <date>", "last bar used (ISO date or Unix ms)")
    .option("--horizon <bars>", "label horizon: the forward return over this many bars", "4")
    .option("--label <kind>", "forward | triple-barrier", "forward")
    .option("--barrier <fraction>", "triple-barrier take-profit and stop distance (0.02 = 2 %)", "0.02")
    .option("--test-days <n>", "days per test window: the model is retrained this often", "90")
    .option("--train-days <n>", "training days before the first test window", "365")
    .option("--max-train-days <n>", "rolling training window in days (default: all earlier data)")
    .option("--funding <file>", "funding-rate CSV: adds the funding_rate feature")
    .option("--fear-greed <file>", "fear-and-greed index CSV: adds the fear_greed feature")
    .option("--shuffle-labels <seed>", "permutation baseline: train on shuffled labels (same pipeline)")
    .option("--seed <n>", "XGBoost seed", "42")
    .option("-o, --out <dir>", "write fold models, the final model and metrics.json here", "models/ml")
    .option("--json", "print the summary as JSON")
    .option("--no-progress", "no progress bar")
    .action(async (options) => {
      const { trainMlCommand } = await import("./commands/train.js");
      await trainMlCommand(options);
    });

  program
    .command("config")
    .description("print the effective configuration (file + environment + defaults), secrets masked")
    .action(async (_options, command: Command) => {
      const { configCommand } = await import("./commands/config.js");
      configCommand(command.optsWithGlobals());
    });

  registerLlmResearchCommands(program);
}
