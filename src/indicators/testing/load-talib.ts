/**
 * Finds the npm binding `talib` (TA-Lib C), which is not a dependency of the root package: compiling it took most
 * of a user's `npm install`. It lives in its own package, reference/talib, installed by `.ci/run` and
 * `npm run setup:talib`. A root node_modules/talib (an older checkout's install) is the fallback.
 */
import { createRequire } from "node:module";

/** Where the binding is looked for, in order: the reference package, then the root package. */
export const TALIB_LOCATIONS: readonly URL[] = [
  new URL("../../../reference/talib/package.json", import.meta.url),
  new URL("../../../package.json", import.meta.url),
];

/** Loads `talib` from the first location that has it; throws naming every location tried and how to install it. */
export function requireTalib<T>(locations: readonly URL[] = TALIB_LOCATIONS): T {
  const failures: string[] = [];
  for (const location of locations) {
    try {
      return createRequire(location)("talib") as T;
    } catch (error) {
      failures.push(`${location.pathname.replace(/package\.json$/, "")}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(`talib is not installed (run \`npm run setup:talib\`); tried ${failures.join("; ")}`);
}
