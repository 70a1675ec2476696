import type { ZodType } from "zod";
import type { ConfigChange } from "../store/repositories/config-history.js";
import type { StrategyStatus, StrategyTransition } from "../store/repositories/strategies.js";
import type { StoreSession } from "../store/store.js";
import { applyOverrides, type ConfigObject, overridesOf, parseConfigPath } from "./config-changes.js";
import {
  type Actor,
  ConfigRejected,
  type ConfigView,
  ControlConflict,
  ControlNotFound,
  type SessionControl,
} from "./session-control.js";

/** A strategy may be approved once it has been validated (or has run in shadow); anything not retired may retire. */
const APPROVABLE: readonly StrategyStatus[] = ["validated", "shadow"];

export type StoreControl = Pick<
  SessionControl,
  "approveStrategy" | "retireStrategy" | "changeConfig" | "rollbackConfig"
>;

/**
 * The controls that are records in the store: strategy lifecycle transitions and configuration changes, each with
 * who, when and why. Configuration changes are validated against the whole configuration (the file's values plus
 * every change in force) and take effect when `aegis trade` next starts.
 */
export function storeControl<T extends ConfigObject>(
  store: StoreSession,
  config: { readonly schema: ZodType<T>; readonly base: T },
  now: () => number,
): StoreControl {
  const { schema, base } = config;
  const transition = async (id: string, to: StrategyStatus, allowed: (s: StrategyStatus) => boolean, actor: Actor) => {
    const strategy = await store.strategies.get(id);
    if (!strategy) throw new ControlNotFound(`no strategy with id ${id}`);
    if (!allowed(strategy.status))
      throw new ControlConflict(`strategy ${id} is ${strategy.status}; it cannot become ${to} from there`);
    return store.strategies.transition(id, to, actor.by, actor.reason, now());
  };
  return {
    approveStrategy: (id, actor): Promise<StrategyTransition> =>
      transition(id, "approved", (s) => APPROVABLE.includes(s), actor),
    retireStrategy: (id, actor): Promise<StrategyTransition> =>
      transition(id, "retired", (s) => s !== "retired", actor),
    async changeConfig(path, value, actor): Promise<ConfigChange> {
      parseConfigPath(path);
      const overrides = overridesOf(await store.config.history());
      overrides.set(path, value);
      applyOverrides(schema, base, overrides);
      return store.config.record(path, value, actor.by, actor.reason, now());
    },
    async rollbackConfig(changeId, actor): Promise<ConfigChange> {
      const history = await store.config.history();
      const change = history.find((c) => c.id === changeId);
      if (!change) throw new ControlNotFound(`no configuration change with id ${changeId}`);
      const overrides = overridesOf(history);
      if (change.oldValue === undefined) overrides.delete(change.key);
      else overrides.set(change.key, change.oldValue);
      try {
        applyOverrides(schema, base, overrides);
      } catch (error) {
        if (error instanceof ConfigRejected)
          throw new ControlConflict(
            `rolling back change ${changeId} would make the configuration invalid: ${error.message}`,
          );
        throw error;
      }
      return store.config.rollback(changeId, actor.by, now());
    },
  };
}

/** The configuration the API shows: the base (file + environment) with the changes in force. */
export function storeConfigView<T extends ConfigObject>(
  store: StoreSession | undefined,
  config: { readonly schema: ZodType<T>; readonly base: T },
  source: string,
): ConfigView {
  // Validating the whole configuration costs milliseconds: done again only when the history has grown.
  let cached: { version: string; config: T } | undefined;
  return {
    source,
    async current() {
      if (!store) return config.base;
      const history = await store.config.history();
      const version = `${history.length}:${history.at(-1)?.id ?? 0}`;
      if (cached?.version !== version)
        cached = { version, config: applyOverrides(config.schema, config.base, overridesOf(history)) };
      return cached.config;
    },
    history: async () => (store ? store.config.history() : []),
  };
}

/** What `aegis trade` calls after opening its store: the configuration it trades with includes the API's changes. */
export async function withStoredConfig<T extends ConfigObject>(
  schema: ZodType<T>,
  base: T,
  store: StoreSession,
): Promise<T> {
  return applyOverrides(schema, base, overridesOf(await store.config.history()));
}
