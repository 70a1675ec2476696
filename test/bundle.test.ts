import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
// Inside the repository so that the packages the bundle leaves external resolve from node_modules.
const outdir = `dist/bundle-test-${process.pid}`;
const entry = join(root, outdir, "aegis.js");

function aegis(...args: string[]) {
  return spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", cwd: root });
}

/**
 * The `aegis` launcher beside the bundle (what `bin` links), with this test's Node first on PATH (the snapshot is
 * stamped with the Node that built it) and no NODE_OPTIONS (a runner's flags would not match the snapshot's).
 */
function launch(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(join(root, outdir, "aegis"), args, {
    encoding: "utf8",
    cwd: root,
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
      NODE_OPTIONS: "",
      ...env,
    },
  });
}

/** A --json summary without the figures that measure this machine's speed. */
function withoutTimings(stdout: string): unknown {
  const { elapsedMs, barsPerSecond, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  expect(typeof elapsedMs).toBe("number");
  expect(typeof barsPerSecond).toBe("number");
  return rest;
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

// One build for both groups below: the bundle, its startup snapshot and the launcher. Built under a V8 flag in
// NODE_OPTIONS, as a user's shell may have one: the snapshot must not take it in, or the launcher (which starts it
// without) would abort.
beforeAll(() => {
  const built = spawnSync(process.execPath, [join(root, "scripts/bundle.mjs"), outdir], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=1024" },
  });
  expect(built.status, built.stderr).toBe(0);
});
afterAll(() => rmSync(join(root, outdir), { recursive: true, force: true }));

describe("the bundled CLI (what `bin` and `npm start` run)", () => {
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

describe("the aegis launcher and its startup snapshot (a backtest starts with its modules already loaded)", () => {
  const snapshot = { AEGIS_SNAPSHOT: "require" };
  const bundle = { AEGIS_SNAPSHOT: "off" };
  const stamp = () => join(root, outdir, "aegis.blob.stamp");

  it("prints, from the snapshot, the same backtest the bundle prints", () => {
    const args = ["backtest", "--bars", "3000", "--no-progress", "--json"];
    const fromSnapshot = launch(args, snapshot);
    const fromBundle = launch(args, bundle);
    expect(fromSnapshot.status, fromSnapshot.stderr).toBe(0);
    expect(fromBundle.status, fromBundle.stderr).toBe(0);
    expect(withoutTimings(fromSnapshot.stdout)).toEqual(withoutTimings(fromBundle.stdout));
    expect(fromSnapshot.stderr).toBe(fromBundle.stderr);
  });

  it("writes the same --out files from the snapshot, the report worker started from the bundle's entry", () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-snapshot-out-"));
    try {
      const args = (name: string) => ["backtest", "--bars", "3000", "--no-progress", "--out", join(dir, name)];
      expect(launch(args("snapshot"), snapshot).status).toBe(0);
      expect(launch(args("bundle"), bundle).status).toBe(0);
      const files = readdirSync(join(dir, "bundle")).sort();
      expect(readdirSync(join(dir, "snapshot")).sort()).toEqual(files);
      expect(files).toContain("report.html");
      for (const file of files.filter((f) => f !== "summary.json" && f !== "report.html")) {
        expect(readFileSync(join(dir, "snapshot", file), "utf8"), file).toBe(
          readFileSync(join(dir, "bundle", file), "utf8"),
        );
      }
      const summary = (name: string) => withoutTimings(readFileSync(join(dir, name, "summary.json"), "utf8"));
      expect(summary("snapshot")).toEqual(summary("bundle"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads a user's strategy module from the snapshot: TypeScript through tsx, and plain ES modules", () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-snapshot-strategy-"));
    try {
      const plain = join(dir, "half-way.mjs");
      writeFileSync(
        plain,
        `export default {
  name: "half-way",
  parameters: {},
  init(setup) {
    const close = setup.price("close");
    return () => (close.at(0) > close.at(1) ? { action: "buy" } : { action: "sell" });
  },
};\n`,
      );
      for (const strategy of ["examples/strategies/my-strategy.ts", plain]) {
        const result = launch(["backtest", "--bars", "1000", "--no-progress", "--strategy", strategy], snapshot);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stderr).not.toMatch(/Warning/);
        expect(result.stdout).toMatch(strategy === plain ? /Aegis backtest — half-way/ : /dip-in-uptrend/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts the bundle when the snapshot was made by another Node; AEGIS_SNAPSHOT=require then refuses", () => {
    const original = readFileSync(stamp(), "utf8");
    try {
      writeFileSync(stamp(), "1 1\n");
      const refused = launch(["backtest", "--bars", "200", "--no-progress"], snapshot);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/built by another Node .*npm run build/);
      expect(launch(["backtest", "--bars", "200", "--no-progress"]).status).toBe(0);
    } finally {
      writeFileSync(stamp(), original);
    }
  });

  it("starts the bundle under NODE_OPTIONS, whose V8 flags the snapshot would refuse", () => {
    const options = { NODE_OPTIONS: "--max-old-space-size=512" };
    expect(launch(["backtest", "--bars", "200", "--no-progress"], { ...options, ...snapshot }).status).toBe(2);
    const result = launch(["backtest", "--bars", "200", "--no-progress"], options);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Aegis backtest/);
  });

  it("finds the command after global options, and starts other commands from the bundle", () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-snapshot-config-"));
    try {
      const config = join(dir, "aegis.yaml");
      writeFileSync(config, "backtest:\n  cash: 5000\n");
      const result = launch(["-c", config, "backtest", "--bars", "300", "--no-progress", "--json"], snapshot);
      expect(result.status, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { meta: { cash: number } }).meta.cash).toBe(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const version = launch(["--version"], snapshot);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("refuses to start the snapshot without the bundle's path (what the launcher passes)", () => {
    const result = spawnSync(process.execPath, ["--snapshot-blob", join(root, outdir, "aegis.blob")], {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs the bundle's aegis\.js/);
  });
});
