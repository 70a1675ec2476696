import { existsSync } from "node:fs";
import { BUILTIN_SPECS } from "./builtin/specs.js";
import { loadStrategyModule, STRATEGY_MODULE_PATTERN } from "./load-module.js";
import { type CompiledSpec, compileSpec, SpecError } from "./spec/compile.js";
import { loadSpecFile, validateSpec } from "./spec/parse.js";
import type { StrategySpec } from "./spec/schema.js";
import type { Strategy } from "./strategy.js";

export function builtinStrategyNames(): string[] {
  return Object.keys(BUILTIN_SPECS);
}

export function builtinSpec(name: string): StrategySpec | undefined {
  const input = BUILTIN_SPECS[name];
  return input ? validateSpec(input, `built-in strategy ${name}`) : undefined;
}

/** A built-in name or a path to a YAML/JSON spec file; an unknown name lists what exists. */
export function resolveSpec(nameOrFile: string): StrategySpec {
  const builtin = builtinSpec(nameOrFile);
  if (builtin) return builtin;
  if (STRATEGY_MODULE_PATTERN.test(nameOrFile)) {
    throw new SpecError(
      `${nameOrFile} is a TypeScript/JavaScript strategy, which \`aegis backtest\` runs; this command takes a built-in name or a .yaml/.json spec file`,
    );
  }
  if (/\.(ya?ml|json)$/i.test(nameOrFile) || existsSync(nameOrFile)) {
    if (!existsSync(nameOrFile)) throw new SpecError(`strategy file ${nameOrFile} does not exist`);
    return loadSpecFile(nameOrFile);
  }
  throw new SpecError(
    `unknown strategy "${nameOrFile}" (built-in: ${builtinStrategyNames().join(", ")}; or give a .yaml/.json spec file or a .ts/.js strategy module)`,
  );
}

export function loadStrategy(nameOrFile: string, parameters: Record<string, number> = {}): CompiledSpec {
  return compileSpec(resolveSpec(nameOrFile), parameters);
}

/** A strategy from a built-in name, a spec file, or a .ts/.js module exporting a `Strategy` (`spec` unset then). */
export async function loadAnyStrategy(
  nameOrFile: string,
  parameters: Record<string, number> = {},
): Promise<Strategy & { readonly spec?: StrategySpec }> {
  if (STRATEGY_MODULE_PATTERN.test(nameOrFile) && !builtinSpec(nameOrFile)) {
    return loadStrategyModule(nameOrFile, parameters);
  }
  return loadStrategy(nameOrFile, parameters);
}
