export * from "./adjust.js";
export * from "./config.js";
export * from "./macro.js";
export * from "./provider.js";
export * from "./sentiment.js";
export * from "./series-csv.js";
export * from "./time.js";
export * from "./whale.js";
