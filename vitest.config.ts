import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Forks keep native addons (better-sqlite3, talib) out of worker_threads, where they are not safe to share.
    pool: "forks",
    testTimeout: 60_000,
  },
});
