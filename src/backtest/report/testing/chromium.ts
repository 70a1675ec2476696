/** Debian's Chromium, which `.ci/run` installs; playwright-core drives it (no browser download). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for a headless Chromium that never reaches the network on its own (no updates, sync or background
 * requests) and runs as root in CI (no sandbox): the report tests, the dashboard tests and the dashboard bench.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
