// Entry of the draw thread when Aegis runs from its TypeScript sources (vitest, tsx). Node 20 does not apply
// `--import tsx` from a Worker's execArgv to the worker's own modules, so tsx is registered here, in the worker.
import { register } from "tsx/esm/api";

register();
await import("./sim-market-worker.ts");
