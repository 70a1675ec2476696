import type { Command } from "commander";

/**
 * `aegis llm audit | architect | hypothesize`: the research roles of the language-model layer, one run each. Added
 * to the `llm` command group whoever creates it first (`aegis llm status` lives in the same group); the code
 * behind each command is imported only when it runs.
 */
export function registerLlmResearchCommands(program: Command): void {
  const llm =
    program.commands.find((c) => c.name() === "llm") ??
    program.command("llm").description("the language-model roles (all off unless a model is configured)");

  const dataOptions = (command: Command) =>
    command
      .option("-d, --data <file>", "bars of one symbol (CSV, CSV.gz or Parquet)")
      .option("--cut <date>", "drop the bars from this date on before anything runs")
      .option("--holdout <fraction>", "share of the bars kept out of selection for the holdout gates", "0.2")
      .option("--cash <amount>", "starting cash", "10000")
      .option("--fee <fraction>", "fee per fill, a fraction of notional", "0.001")
      .option(
        "--db <url>",
        "store the transcript and enter a surviving spec in the lifecycle (sqlite:PATH or postgres://…)",
      )
      .option("--blacklist <file>", "JSON blacklist of spec hashes: read, and updated with every failed spec")
      .option("--json", "print the transcript as JSON")
      .option(
        "--force-contaminated",
        "ask models about bars before their declared training cutoff anyway; the result is labelled CONTAMINATED",
      );

  llm
    .command("audit")
    .description("one audit now: market analysis, signal, confidence and, below 0.7, an evolution suggestion")
    .option("-d, --data <file>", "bars of one symbol (CSV, CSV.gz or Parquet); the last 100 are audited")
    .option("--risk-level <level>", "global risk level from the TradFi oracle: normal | high")
    .option("--sentiment <score>", "sentiment in [-1, 1]")
    .option("--whale", "large exchange inflows seen (whale dump risk)")
    .option("--db <url>", "read the live strategy's recent trades from this store")
    .option("--live <id>", "the live strategy's id (its trades of the last 7 days are shown to the auditor)")
    .option("--json", "print the audit as JSON")
    .option(
      "--force-contaminated",
      "ask the model about bars before its declared training cutoff anyway; the result is labelled CONTAMINATED",
    )
    .action(async (options, command: Command) => {
      const { llmAuditCommand } = await import("./llm-research-run.js");
      await llmAuditCommand(options, command.optsWithGlobals());
    });

  dataOptions(
    llm
      .command("architect")
      .description(
        "one debate: the architect proposes a spec, the red team's gates judge it, up to --rounds revisions",
      ),
  )
    .option("--reason <text>", "the evolution suggestion's reason (default: ask the auditor now)")
    .option("--change <text>", "the proposed change (with --reason)")
    .option("--rounds <n>", "rounds before the debate fails", "3")
    .action(async (options, command: Command) => {
      const { llmArchitectCommand } = await import("./llm-research-run.js");
      await llmArchitectCommand(options, command.optsWithGlobals());
    });

  dataOptions(
    llm
      .command("hypothesize")
      .description("exploratory ideas with stops and targets from the current ATR, each judged by the same gates"),
  )
    .option("--ideas <n>", "how many ideas to ask for", "3")
    .option("--atr-period <n>", "ATR period of the stops and targets", "14")
    .option("--rounds <n>", "rounds per idea: the gates' numbers go back to the generator, which revises", "3")
    .action(async (options, command: Command) => {
      const { llmHypothesizeCommand } = await import("./llm-research-run.js");
      await llmHypothesizeCommand(options, command.optsWithGlobals());
    });
}
