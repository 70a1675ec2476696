import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Forks keep native addons (better-sqlite3, talib) out of worker_threads, where they are not safe to share.
    pool: "forks",
    testTimeout: 60_000,
    // The CLI bundle, built once for the tests that start `aegis` in a child process.
    globalSetup: ["src/cli/testing/aegis-bundle.global-setup.ts"],
    // The CLI's parsed-data cache (src/cli/series-cache.ts) stays out of the user's cache folder during tests;
    // its own test gives it a temp folder.
    env: { AEGIS_CACHE_DIR: "off" },
  },
});
