import type { ZodType } from "zod";
import { LifecycleError, type StrategyLifecycle } from "../engine/lifecycle/strategy-lifecycle.js";
import type { ConfigChange } from "../store/repositories/config-history.js";
import type { StrategyTransition } from "../store/repositories/strategies.js";
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
  /** The strategy lifecycle (its rules and the stability lock); without it approvals are refused. */
  lifecycle?: StrategyLifecycle,
): StoreControl {
  const { schema, base } = config;
  // The lifecycle's rules decide (who may move a strategy where, the stability lock); the API only relays them.
  const move = async (id: string, act: (l: StrategyLifecycle) => Promise<StrategyTransition>) => {
    if (!lifecycle) throw new ControlConflict("strategy approvals need a trading store with its risk latches");
    if (!(await store.strategies.get(id))) throw new ControlNotFound(`no strategy with id ${id}`);
    try {
      return await act(lifecycle);
    } catch (error) {
      if (error instanceof LifecycleError) throw new ControlConflict(error.message);
      throw error;
    }
  };
  return {
    approveStrategy: (id, actor: Actor): Promise<StrategyTransition> =>
      move(id, (l) => l.approve(id, { by: actor.by, reason: actor.reason })),
    retireStrategy: (id, actor: Actor): Promise<StrategyTransition> =>
      move(id, (l) => l.retire(id, { by: actor.by, reason: actor.reason })),
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
