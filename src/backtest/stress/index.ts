/** `aegis/backtest/stress`: the flash-crash red-team gate (inject a crash, run the engine, judge the window). */
export * from "./analyze-crash-window.js";
export * from "./choose-injection-points.js";
export * from "./format-report.js";
export * from "./inject-crash.js";
export * from "./stop-detection.js";
export * from "./stress-test.js";
