/**
 * Entry of the CLI's V8 startup snapshot (built by scripts/snapshot.mjs, started by the `aegis` launcher for a
 * backtest). While the snapshot is built this file runs once: the modules of a backtest are loaded, compiled and
 * their config schemas built, and the heap is saved. A run then starts from that heap instead of loading ~200
 * modules, which was a third of a short backtest.
 *
 * The heap is saved on the build machine, so nothing evaluated here may hold what belongs to a run: module top
 * levels must not read the environment, the clock, the working directory or open handles (an Intl formatter, a
 * socket, a timer); those belong in functions. Where the bundle is, how its external packages load and what
 * `import()` means are set when a run starts, from the path of the ES module bundle the launcher passes first.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startupSnapshot } from "node:v8";
import { compileFunction, constants } from "node:vm";
import { validateConfig } from "../config/load-config.js";
import { builtinSpec, builtinStrategyNames } from "../strategy/registry.js";
import { runCli } from "./cli.js";
import "./commands/backtest.js";

// Zod compiles a fast parser for an object schema the first time it parses one. Parsing the default config and the
// built-in strategies here (pure data: no file, no environment) keeps those parsers in the snapshot: 14 → 3 ms of a
// backtest's set-up.
validateConfig({});
for (const name of builtinStrategyNames()) builtinSpec(name);

declare global {
  /** The URL of dist/bundle/aegis.js; stands for `import.meta.url` in the snapshot's CommonJS build. */
  var __aegisBundleUrl: string;
  /** Loads an external package (a static import) from the bundle's node_modules at run time. */
  var __aegisRequire: NodeJS.Require;
  /** `import()` of anything not in the snapshot (an ES module package, a user's strategy file). */
  var __aegisImport: (specifier: string) => Promise<unknown>;
}

startupSnapshot.setDeserializeMainFunction(() => {
  const entry = process.argv[1];
  if (!entry?.endsWith(".js")) {
    process.stderr.write(
      "aegis: the startup snapshot needs the bundle's aegis.js as its first argument; run `aegis`\n",
    );
    process.exitCode = 2;
    return;
  }
  const file = resolve(entry);
  globalThis.__aegisBundleUrl = pathToFileURL(file).href;
  globalThis.__aegisRequire = createRequire(file);
  globalThis.__aegisImport = dynamicImport(file);
  void runCli(process.argv.slice(2));
});

/**
 * A script saved in a snapshot has no module loader behind its `import()`; a function compiled now, as if it sat
 * in the bundle's aegis.js, gets Node's own, so packages resolve from the bundle's node_modules and ES modules
 * load as ES modules, exactly as from the bundle.
 */
function dynamicImport(bundleFile: string): (specifier: string) => Promise<unknown> {
  let load: ((specifier: string) => Promise<unknown>) | undefined;
  return (specifier) => {
    if (load === undefined) {
      quietLoaderWarning();
      load = compileFunction("return import(specifier)", ["specifier"], {
        filename: bundleFile,
        importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      }) as (specifier: string) => Promise<unknown>;
    }
    return load(specifier);
  };
}

/** Node marks USE_MAIN_CONTEXT_DEFAULT_LOADER experimental and says so on stderr; a user has no use for that. */
function quietLoaderWarning(): void {
  const emit = process.emitWarning as (warning: string | Error, ...rest: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("USE_MAIN_CONTEXT_DEFAULT_LOADER")) return;
    emit.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}
