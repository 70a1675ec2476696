export * from "./csv/csv-header.js";
export * from "./csv/load-csv.js";
export * from "./csv/parse-timestamp.js";
export * from "./data-error.js";
export * from "./gaps.js";
export * from "./infer-timeframe.js";
export * from "./issue-log.js";
export * from "./resample.js";
export * from "./validate.js";
// other data modules are exported below
