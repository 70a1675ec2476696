#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands.js";
import { UsageError } from "./usage-error.js";
import { readPackageVersion } from "./version.js";

/**
 * The `aegis` command. Command modules are imported only when their command runs, so `aegis --help` and
 * `aegis --version` never pay for CCXT, SQLite or the engine.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("aegis")
    .description("Aegis: AI-assisted algorithmic trading — research, backtest, paper and live trading.")
    .version(readPackageVersion(), "-V, --version", "print the version")
    .option("-c, --config <file>", "YAML config file (default: ./aegis.yaml, or $AEGIS_CONFIG)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`aegis: ${describeError(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    if (process.env.AEGIS_DEBUG) return error.stack ?? error.message;
    return error.message;
  }
  return String(error);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aegis: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
