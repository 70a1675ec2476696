// Installs TA-Lib C's npm binding into reference/talib (its own package and lock file, kept out of the root
// package so that a user's `npm install` does not spend minutes compiling it). Does nothing when the binding
// already loads from there or from the root node_modules. `npm run bench` and `.ci/run` call it.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const reference = new URL("reference/talib/", root);

function loads(packageJson) {
  try {
    createRequire(packageJson)("talib");
    return true;
  } catch {
    return false;
  }
}

if (!loads(new URL("package.json", reference)) && !loads(new URL("package.json", root))) {
  console.error("setup:talib: installing TA-Lib C (npm ci in reference/talib; compiles a native addon)");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], {
    cwd: fileURLToPath(reference),
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error(`setup:talib: npm ci in reference/talib failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
