import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Forks keep native addons (better-sqlite3, talib) out of worker_threads, where they are not safe to share.
    pool: "forks",
    testTimeout: 60_000,
    // The CLI bundle, built once for the tests that start `aegis` in a child process.
    globalSetup: ["src/cli/testing/aegis-bundle.global-setup.ts"],
  },
});
