import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layers of ARCHITECTURE.md, lowest first: a file may import its own layer and the ones before it, never one
 * after it. `store` sits above `backtest`, where the map lists it: it persists what the layers below it define
 * (risk latches through risk's `RiskStateStore` today; orders, decisions and runs later), and they reach it only
 * through interfaces they own, injected from above (cli, server). `research` (the evolver and the parameter
 * optimizer) sits above both: it searches by running backtests and records what it found in the store, so it
 * cannot live in `ai/` below them, where the map first put it (the learning signal sources stay in `ai/`).
 * `config` and `cli` compose everything and come last; `index.ts` (the package entry) may export any layer.
 */
const LAYERS = [
  "domain",
  "indicators",
  "data",
  "strategy",
  "ai",
  "risk",
  "execution",
  "engine",
  "backtest",
  "store",
  "research",
  "notify",
  "server",
  "web",
  "config",
  "cli",
] as const;

const src = resolve(import.meta.dirname, "../src");

/** Tests and test helpers (`testing/` folders, `testing.ts`) are not built into dist and may drive any layer. */
const isTestCode = (file: string) => /\.test\.ts$/.test(file) || /(^|\/)testing(\/|\.ts$)/.test(file);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(src, path).split(sep).join("/")] : [];
  });
}

/** Relative specifiers of static imports, re-exports and dynamic imports, comments stripped first. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const m of code.matchAll(
    /\b(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  )) {
    const specifier = m[1] ?? m[2];
    if (specifier?.startsWith(".")) found.push(specifier);
  }
  return found;
}

/** The layer a file (path relative to src/) belongs to; `index.ts` at the root is above every layer. */
function layerOf(file: string): number {
  if (!file.includes("/")) return LAYERS.length;
  const folder = file.slice(0, file.indexOf("/"));
  const rank = LAYERS.indexOf(folder as (typeof LAYERS)[number]);
  if (rank < 0) throw new Error(`src/${folder}/ is not in the layer order of test/layers.test.ts (ARCHITECTURE.md)`);
  return rank;
}

const layerName = (rank: number) => LAYERS[rank] ?? "index.ts";

/** Every import of a built (non-test) file, with the target resolved relative to src/. */
function builtImports(): { file: string; target: string }[] {
  return sourceFiles(src)
    .filter((file) => !isTestCode(file))
    .flatMap((file) =>
      importsOf(readFileSync(join(src, file), "utf8")).map((specifier) => ({
        file,
        target: relative(src, resolve(src, dirname(file), specifier))
          .split(sep)
          .join("/"),
      })),
    );
}

describe("the layers of the architecture map", () => {
  it("a lower layer never imports a higher one", () => {
    const upward = builtImports()
      .filter(({ target }) => !target.startsWith(".."))
      .filter(({ file, target }) => layerOf(target) > layerOf(file))
      .map(
        ({ file, target }) => `${file} (${layerName(layerOf(file))}) imports ${target} (${layerName(layerOf(target))})`,
      );
    expect(upward).toEqual([]);
  });

  it("no built file imports a test helper, which is not built into dist", () => {
    const helpers = builtImports()
      .filter(({ target }) => isTestCode(target.replace(/\.js$/, ".ts")))
      .map(({ file, target }) => `${file} imports ${target}`);
    expect(helpers).toEqual([]);
  });

  it("leaves tests and test helpers out of the build (tsconfig.json)", () => {
    const tsconfig = JSON.parse(readFileSync(resolve(src, "../tsconfig.json"), "utf8")) as { exclude: string[] };
    expect(tsconfig.exclude).toEqual(
      expect.arrayContaining(["src/**/*.test.ts", "src/**/testing/**", "src/**/testing.ts"]),
    );
  });

  it("sees an upward import when there is one (the check itself works)", () => {
    const imports = importsOf(
      'import type { Engine } from "../engine/engine.js";\n// import { x } from "../cli/main.js";\nconst m = await import("./b.js");',
    );
    expect(imports).toEqual(["../engine/engine.js", "./b.js"]);
    expect(layerOf("engine/engine.ts")).toBeGreaterThan(layerOf("risk/shield.ts"));
    expect(layerOf("store/sqlite-state-store.ts")).toBeGreaterThan(layerOf("risk/state-store.ts"));
  });
});
