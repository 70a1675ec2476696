// Entry of a retrain worker when Aegis runs from its TypeScript sources (vitest, tsx): tsx is registered in the
// worker, as in src/backtest/pool/pool-worker-tsx.mjs.
import { register } from "tsx/esm/api";

register();
await import("./retrain-worker.ts");
