import type { RiskEventLog } from "../risk/guards/risk-event-log.js";
import type { RiskStateStore } from "../risk/state-store.js";
import { PostgresStateStore } from "./postgres-state-store.js";
import type { ResilientStore } from "./resilient-store.js";
import { type RiskStateOptions, SqliteStateStore } from "./sqlite-state-store.js";
import type { Store } from "./store.js";

/** The risk latches of paper and live trading, on whichever backend the store is. */
export type DurableRiskState = RiskStateStore &
  RiskEventLog & {
    readonly path: string;
    updatedAt(key: string): number | undefined;
    /** Resolves once every latch write so far is durable. */
    flush(): Promise<void>;
    close(): Promise<void>;
  };

/** Opens the latch store over an open store (its owner closes the store). */
export async function openRiskState(
  store: Store,
  options: RiskStateOptions & { readonly writer?: ResilientStore } = {},
): Promise<DurableRiskState> {
  return store.backend === "sqlite" ? new SqliteStateStore(store, options) : PostgresStateStore.load(store, options);
}
