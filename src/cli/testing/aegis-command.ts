import { inject } from "vitest";

/**
 * Node's arguments that run `aegis ARGS` as the installed bin does: the bundle that the vitest globalSetup built
 * from this checkout (src/cli/testing/aegis-bundle.global-setup.ts). Spawn it with `process.execPath`.
 */
export function aegisArgv(args: readonly string[]): string[] {
  return [inject("aegisBundle"), ...args];
}
