export * from "./config.js";
export * from "./cooldown.js";
export * from "./lock-book.js";
export * from "./low-profit.js";
export * from "./stop-exit.js";
export * from "./stop-loss-guard.js";
