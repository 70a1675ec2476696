// Builds the CLI's V8 startup snapshot beside the ES module bundle: a CommonJS build of src/cli/snapshot-entry.ts
// (V8 can snapshot one script, not a graph of ES modules), the snapshot itself (aegis.blob), the stamp of the Node
// binary that made it, and the `aegis` launcher that uses it. See src/cli/snapshot-entry.ts for what the snapshot
// holds and why module top levels must stay free of run-time state.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { build } from "esbuild";

/**
 * @param {{ root: string, outdir: string, external: string[], plugins: import("esbuild").Plugin[] }} options
 * `outdir` is absolute and already holds the ES module bundle.
 * @returns {string | undefined} why the snapshot could not be built, or undefined when it was
 */
export async function buildSnapshot({ root, outdir, external, plugins }) {
  const script = join(outdir, "aegis-snapshot.cjs");
  const blob = join(outdir, "aegis.blob");
  const stamp = join(outdir, "aegis.blob.stamp");
  for (const file of [script, blob, stamp]) rmSync(file, { force: true });
  copyFileSync(join(root, "scripts/aegis-launcher.sh"), join(outdir, "aegis"));
  chmodSync(join(outdir, "aegis"), 0o755);
  // The snapshot's `import()` (a user's strategy module, ES module packages) goes through this loader, which older
  // Node 20 releases lack.
  if (vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined) {
    return `Node ${process.version} has no vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER, which the snapshot's import() needs`;
  }

  // A snapshot's script may require only Node's own modules, so every external package becomes a module that
  // loads it at run time, from where the bundle is then (globalThis.__aegisRequire, set when a run starts).
  const names = external.map((name) => name.replace(/[/*.]/g, (c) => (c === "*" ? ".+" : `\\${c}`)));
  const pattern = new RegExp(`^(${names.join("|")})$`);
  const runtimeExternal = {
    name: "runtime-external",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        args.kind !== "entry-point" && pattern.test(args.path)
          ? { path: args.path, namespace: "runtime-external" }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "runtime-external" }, (args) => ({
        contents: `module.exports = globalThis.__aegisRequire(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
  // `import()` of anything esbuild does not bundle (a package, a user's strategy file) must reach Node's loader at
  // run time, which a snapshot's script lacks: such calls go through globalThis.__aegisImport instead. Relative
  // specifiers are the bundle's own modules, and `typeof import("x")` is a type.
  const dynamicImport = {
    name: "snapshot-dynamic-import",
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) =>
        // The entry itself compiles the one real `import()` that __aegisImport runs.
        args.path.endsWith("snapshot-entry.ts")
          ? undefined
          : {
              contents: readFileSync(args.path, "utf8").replace(
                /(?<![\w$.]|typeof )import\((?!\s*["'`]\.)/g,
                "globalThis.__aegisImport(",
              ),
              loader: "ts",
            },
      );
    },
  };
  await build({
    absWorkingDir: root,
    entryPoints: ["src/cli/snapshot-entry.ts"],
    outfile: script,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    plugins: [...plugins, dynamicImport, runtimeExternal],
    // Module code asks import.meta.url where the bundle is (workers, package.json, dist/web); in the snapshot the
    // answer is the ES module bundle's entry, known only when a run starts.
    define: { "import.meta.url": "globalThis.__aegisBundleUrl" },
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: `globalThis.__aegisBundleUrl = ${JSON.stringify(pathToFileURL(join(outdir, "aegis.js")).href)};` },
    logLevel: "warning",
  });

  // Built without NODE_OPTIONS: V8 flags are part of a snapshot, and the launcher starts it with none. Written under
  // another name and renamed once it has started a command, so a run never reads a half-written snapshot.
  const env = { ...process.env, NODE_OPTIONS: "" };
  const draft = `${blob}.draft`;
  const made = spawnSync(process.execPath, ["--snapshot-blob", draft, "--build-snapshot", script], {
    encoding: "utf8",
    cwd: outdir,
    env,
  });
  // Node warns about built-in modules it has not verified in snapshots (child_process); what matters is the exit.
  if (made.status !== 0) {
    rmSync(draft, { force: true });
    return `node --build-snapshot exited ${made.status ?? made.signal}: ${head(made.stderr)}`;
  }
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const tried = spawnSync(process.execPath, ["--snapshot-blob", draft, join(outdir, "aegis.js"), "--version"], {
    encoding: "utf8",
    env,
  });
  if (tried.status !== 0 || tried.stdout.trim() !== version) {
    rmSync(draft, { force: true });
    return `the snapshot did not start \`aegis --version\` (exit ${tried.status ?? tried.signal}): ${head(tried.stderr)}`;
  }
  renameSync(draft, blob);
  const node = statSync(process.execPath);
  writeFileSync(stamp, `${node.size} ${Math.floor(node.mtimeMs / 1000)}\n`);
  return undefined;
}

/** The first lines of a child's stderr, enough to say why it failed. */
function head(stderr) {
  return stderr.trim().split("\n").slice(0, 8).join("\n");
}
