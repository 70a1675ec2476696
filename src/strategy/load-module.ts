import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SpecError } from "./spec/compile.js";
import type { Strategy } from "./strategy.js";

/** File names a strategy module may have: TypeScript (loaded through tsx) or JavaScript. */
export const STRATEGY_MODULE_PATTERN = /\.(m|c)?[jt]s$/i;

const HOW =
  "export default (or export `strategy`) an object with name, parameters and init(setup), or a function (parameters) => such an object; see examples/strategies/my-strategy.ts";

/**
 * Loads a strategy written in TypeScript or JavaScript: a module whose default export (or `strategy` export) is a
 * `Strategy`, or a factory `(parameters) => Strategy` that receives the `--param` values. JavaScript is imported
 * as is; TypeScript goes through tsx's loader API, so that package must be installed. A module is code the user
 * chose to run, unlike a spec: it is loaded only from a path given on the command line.
 */
export async function loadStrategyModule(path: string, parameters: Record<string, number> = {}): Promise<Strategy> {
  const file = resolve(path);
  if (!existsSync(file)) throw new SpecError(`strategy module ${path} does not exist`);
  if (!statSync(file).isFile()) throw new SpecError(`strategy module ${path} is not a file`);
  const namespace = await importModule(file, path);
  const exported = namespace.default ?? namespace.strategy;
  if (exported === undefined) throw new SpecError(`strategy module ${path} exports no strategy: ${HOW}`);
  let strategy: unknown = exported;
  if (typeof exported === "function") {
    try {
      strategy = await (exported as (p: Record<string, number>) => unknown)({ ...parameters });
    } catch (error) {
      throw new SpecError(`strategy module ${path}: its factory failed: ${(error as Error).message}`);
    }
  } else if (Object.keys(parameters).length > 0) {
    throw new SpecError(
      `strategy module ${path} exports a fixed strategy, so --param cannot change it; export a function (parameters) => Strategy instead`,
    );
  }
  return checkStrategy(strategy, path);
}

async function importModule(file: string, path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    if (!/\.(m|c)?ts$/i.test(file)) return (await import(url)) as Record<string, unknown>;
    let tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
    try {
      ({ tsImport } = await import("tsx/esm/api"));
    } catch {
      throw new SpecError(
        `strategy module ${path} is TypeScript, and loading TypeScript needs the tsx package (npm install tsx); or compile it to .js`,
      );
    }
    return await tsImport(url, import.meta.url);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(`cannot load strategy module ${path}: ${(error as Error).message}`);
  }
}

/** Checks the shape the engine relies on, so a wrong export fails here with its name, not mid-run. */
function checkStrategy(value: unknown, path: string): Strategy {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null) {
    throw new SpecError(`strategy module ${path}: the export is a ${typeof value}, not a strategy: ${HOW}`);
  }
  const s = value as Record<string, unknown>;
  if (typeof s.name !== "string" || s.name === "") problems.push("name must be a non-empty string");
  if (typeof s.init !== "function") problems.push("init must be a function (setup) => onBar");
  const params = s.parameters;
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    problems.push("parameters must be an object of numbers ({} if none)");
  } else {
    for (const [key, v] of Object.entries(params)) {
      if (typeof v !== "number" || !Number.isFinite(v)) problems.push(`parameters.${key} must be a finite number`);
    }
  }
  if (s.allowShort !== undefined && typeof s.allowShort !== "boolean") problems.push("allowShort must be a boolean");
  if (s.sizing !== undefined) {
    const sizing = s.sizing as { type?: unknown; value?: unknown };
    const types = ["fixed-base", "fixed-quote", "percent-equity"];
    if (typeof sizing !== "object" || sizing === null || !types.includes(sizing.type as string)) {
      problems.push(`sizing.type must be one of ${types.join(", ")}`);
    } else if (!(typeof sizing.value === "number" && sizing.value > 0 && Number.isFinite(sizing.value))) {
      problems.push("sizing.value must be a number > 0");
    }
  }
  if (problems.length > 0) throw new SpecError(`strategy module ${path}: ${problems.join("; ")}`);
  return value as Strategy;
}
