// Bundles the CLI into dist/bundle so that a command loads a few dozen files instead of ~350 modules (about
// 0.1 s of a 0.8 s backtest went to resolving and compiling them). Pure-JS packages the CLI always needs are
// inlined; everything else (native addons, CCXT, servers, drivers) stays an import resolved from node_modules,
// which keeps them lazy: they load only when the command that needs them runs.
import { cpSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildSnapshot } from "./snapshot.mjs";

const root = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const inline = new Set(["zod", "commander", "yaml"]);
const external = Object.keys(pkg.dependencies)
  .filter((name) => !inline.has(name))
  .flatMap((name) => [name, `${name}/*`])
  .concat(["tsx", "tsx/*", "talib", "playwright-core"]);

// zod re-exports every locale (`z.locales`, `z.core.locales`: ~50 languages, 0.6 MB of JavaScript that every
// command parsed and compiled), and esbuild cannot shake a namespace re-export. Aegis uses only the English messages
// zod sets by default, so in the bundle both namespaces hold `en` alone.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: "zod-locales-en", namespace: "zod-english-only", pluginData: args.resolveDir }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "../locales/en.js";',
      resolveDir: args.pluginData,
      loader: "js",
    }));
  },
};

// `node scripts/bundle.mjs [outdir]`: the outdir must sit inside the repository so that imports left external
// resolve from its node_modules. Chunk names carry content hashes: clear the folder so old chunks do not pile up.
const outdir = process.argv[2] ?? "dist/bundle";
rmSync(new URL(outdir.endsWith("/") ? outdir : `${outdir}/`, root), { recursive: true, force: true });

await build({
  absWorkingDir: new URL(".", root).pathname,
  // The workers are entries of their own: each is started by path next to the chunk that needs it.
  entryPoints: {
    aegis: "src/cli/main.ts",
    "pool-worker": "src/backtest/pool/pool-worker.ts",
    "report-worker": "src/backtest/output/report-worker.ts",
    "sim-market-worker": "src/data/simulated/sim-market-worker.ts",
    "api-worker": "src/server/api-thread/api-worker.ts",
    "retrain-worker": "src/ai/ml/retrain/retrain-worker.ts",
  },
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  plugins: [zodEnglishOnly],
  // Inlined CommonJS packages (commander, yaml) call require(); an ES module has none unless it makes one.
  banner: {
    js: 'import { createRequire as __aegisCreateRequire } from "node:module"; const require = __aegisCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});

// The startup snapshot and the `aegis` launcher beside the bundle. Without a snapshot the launcher starts the
// bundle, so a machine where Node cannot build one still works, only slower; CI must not lose it unnoticed.
const missed = await buildSnapshot({
  root: fileURLToPath(root),
  outdir: fileURLToPath(new URL(outdir.endsWith("/") ? outdir : `${outdir}/`, root)),
  external,
  plugins: [zodEnglishOnly],
});
if (missed) {
  process.stderr.write(`warning: no startup snapshot (aegis starts slower): ${missed}\n`);
  if (process.env.CI === "true") process.exit(1);
}

// The dashboard is served as files (no build step): ship them beside the code, tests left out.
cpSync(new URL("src/web/", root), new URL("dist/web/", root), {
  recursive: true,
  filter: (source) => !source.endsWith(".test.ts"),
});
