import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Forks keep native addons (better-sqlite3, talib) out of worker_threads, where they are not safe to share.
    pool: "forks",
    // Vitest's default is one fork per core but one, so a single fork on 2 cores; most test time is waiting on
    // child processes, servers and the disk, and 2 forks there took the suite from 633 s to 432 s.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 60_000,
    // The CLI bundle, built once for the tests that start `aegis` in a child process.
    globalSetup: ["src/cli/testing/aegis-bundle.global-setup.ts"],
    // The CLI's parsed-data cache (src/cli/series-cache.ts) stays out of the user's cache folder during tests;
    // its own test gives it a temp folder.
    env: { AEGIS_CACHE_DIR: "off" },
  },
});
