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
    // Commander has printed its own message; a non-zero code there is always a bad call.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`aegis: ${describeError(error)}\n`);
    return isBadInput(error) ? 2 : 1;
  }
}

/** Errors that mean "what you gave me is wrong" (exit 2), as opposed to a failure while working (exit 1). */
const BAD_INPUT = new Set(["UsageError", "SpecError", "DataError", "ConfigError", "UnknownExchangeError"]);

function isBadInput(error: unknown): boolean {
  return error instanceof UsageError || (error instanceof Error && BAD_INPUT.has(error.name));
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    if (process.env.AEGIS_DEBUG) return error.stack ?? error.message;
    return error.message;
  }
  return String(error);
}

/** Runs the command line and sets the exit code; never throws. */
export function runCli(argv: readonly string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`aegis: ${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}
