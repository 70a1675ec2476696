import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The `aegis` entry of the bundle built from this checkout for this run: what the `aegis` bin runs. */
    aegisBundle: string;
  }
}

const root = resolve(import.meta.dirname, "../../..");

/**
 * Vitest globalSetup: builds the CLI bundle once per run with the build's own script (`scripts/bundle.mjs`), so the
 * tests that start `aegis` in a child process run what `npm run build` ships, in a process that loads a few dozen
 * files instead of compiling ~350 TypeScript modules through tsx on every start (about 2 s each).
 * The folder is per run (two runs in one checkout do not clear each other's) and two levels below package.json,
 * where the bundle looks for it; it is removed at the end.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const outdir = join("dist", `test-bundle-${process.pid}`);
  await promisify(execFile)(process.execPath, [join(root, "scripts/bundle.mjs"), outdir], { cwd: root });
  project.provide("aegisBundle", join(root, outdir, "aegis.js"));
  return () => rmSync(join(root, outdir), { recursive: true, force: true });
}
