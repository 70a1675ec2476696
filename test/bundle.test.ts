import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
// Inside the repository so that the packages the bundle leaves external resolve from node_modules.
const outdir = `dist/bundle-test-${process.pid}`;
const entry = join(root, outdir, "aegis.js");

function aegis(...args: string[]) {
  return spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", cwd: root });
}

/** `aegis trade` in a temp folder (its data folder and store), with the API on a free port. */
function tradeInTemp(dir: string) {
  const args = ["trade", "--steps", "20", "--speed", "600", "--warmup", "40", "--api-port", "0"];
  return spawnSync(process.execPath, [entry, ...args, "--store", join(dir, "bundle.sqlite")], {
    encoding: "utf8",
    cwd: dir,
  });
}

/** Every module URL that `aegis ...args` imports, written down by a resolve hook (module.register, loader thread). */
function importsOf(...args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "aegis-bundle-imports-"));
  try {
    const log = join(dir, "imports.txt");
    const hooks = join(dir, "hooks.mjs");
    writeFileSync(
      hooks,
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + "\\n");
  return resolved;
}`,
    );
    const register = join(dir, "register.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const result = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, entry, ...args], {
      encoding: "utf8",
      cwd: root,
    });
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(log, "utf8").split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the bundled CLI (what `bin` and `npm start` run)", () => {
  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(root, "scripts/bundle.mjs"), outdir], { encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
  });
  afterAll(() => rmSync(join(root, outdir), { recursive: true, force: true }));

  it("prints the package's version (package.json read from the bundle's own place)", () => {
    const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
    const result = aegis("--version");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("runs a backtest, with the inlined CommonJS packages (commander, yaml) finding require", () => {
    const result = aegis("backtest", "--bars", "3000", "--no-progress", "--json");
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).meta.bars).toBe(3000);
  });

  it("loads no database driver, LLM client or zod locale other than English for a backtest", () => {
    const imported = importsOf("backtest", "--bars", "3000", "--no-progress");
    expect(imported.some((url) => url.includes("backtest-"))).toBe(true);
    const heavy = imported.filter((url) => /node_modules\/(kysely|pg|better-sqlite3|openai)\//.test(url));
    expect(heavy).toEqual([]);
    // Inlined modules leave esbuild's "// path" comment in the chunk that holds them.
    const locales = readdirSync(join(root, outdir))
      .filter((file) => file.endsWith(".js"))
      .flatMap((file) => readFileSync(join(root, outdir, file), "utf8").match(/zod\/v4\/locales\/[\w-]+\.js/g) ?? []);
    expect(new Set(locales)).toEqual(new Set(["zod/v4/locales/en.js"]));
  });

  it("loads neither zod nor the data loaders for --version", () => {
    const chunks = importsOf("--version").filter((url) => url.startsWith(pathToFileURL(join(root, outdir)).href));
    expect(chunks.length).toBeGreaterThan(0);
    const inlined = chunks.flatMap((url) => readFileSync(fileURLToPath(url), "utf8").match(/^\/\/ .*$/gm) ?? []);
    expect(inlined.filter((comment) => /node_modules\/zod\/|src\/data\/csv\//.test(comment))).toEqual([]);
  });

  it("starts grid workers from the bundle's own pool-worker entry", () => {
    const result = aegis("grid", "--bars", "2000", "--grid", "fast=5,10", "--grid", "slow=30", "--workers", "2");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\b10\b\s+30\b/);
  });

  it("starts the API worker thread from the bundle's own api-worker entry, and exits after --steps", () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-bundle-trade-"));
    try {
      const result = tradeInTemp(dir);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/dashboard and API: http:\/\/127\.0\.0\.1:\d+\//);
      const log = readFileSync(join(dir, ".aegis", "logs", "aegis.log"), "utf8");
      expect(log).toMatch(/"thread":true.*"msg":"api listening"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
