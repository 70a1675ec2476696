/** `aegis/backtest`: run strategies over history, measure them, report them. */
export * from "./benchmark.js";
export * from "./grid.js";
export * from "./hash.js";
export * from "./metrics/index.js";
export * from "./output/csv-writers.js";
export * from "./output/write-outputs.js";
export * from "./report/index.js";
export * from "./run-backtest.js";
export * from "./stress/index.js";
export * from "./summary.js";
export * from "./walk-forward.js";
