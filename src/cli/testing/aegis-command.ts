import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { inject } from "vitest";

/**
 * Node's arguments that run `aegis ARGS` as the installed bin does, from the bundle that the vitest globalSetup built
 * from this checkout (src/cli/testing/aegis-bundle.global-setup.ts). Spawn it with `process.execPath`. Like the
 * `aegis` launcher (scripts/aegis-launcher.sh), a backtest starts from the bundle's startup snapshot, so every
 * test of `aegis backtest` checks the path users run; the launcher's own choices are tested in test/bundle.test.ts.
 */
export function aegisArgv(args: readonly string[]): string[] {
  const bundle = inject("aegisBundle");
  const snapshot = join(dirname(bundle), "aegis.blob");
  if (commandOf(args) === "backtest" && existsSync(snapshot)) return ["--snapshot-blob", snapshot, bundle, ...args];
  return [bundle, ...args];
}

/** The launcher's rule: the first argument that is neither an option nor the value of -c/--config. */
function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-c" || arg === "--config") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}
