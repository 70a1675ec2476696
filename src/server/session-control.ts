import type { ConfigChange } from "../store/repositories/config-history.js";
import type { StrategyTransition } from "../store/repositories/strategies.js";

/** Who acts and why: every control is a person's decision, and the record says whose. */
export interface Actor {
  readonly by: string;
  readonly reason: string;
}

/** A control that cannot be carried out in the state things are in (answered 409 with the message). */
export class ControlConflict extends Error {
  override name = "ControlConflict";
}

/** A control about something that does not exist (answered 404). */
export class ControlNotFound extends Error {
  override name = "ControlNotFound";
}

/** A configuration change the schema refuses (answered 400 naming the field). */
export class ConfigRejected extends Error {
  override name = "ConfigRejected";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What a person can do to a running session from the API; `aegis trade` implements it (src/cli/session-control.ts).
 * Each answer says what happened in words the dashboard shows as is.
 */
export interface SessionControl {
  /** No new entries from now on (exits, stops and take-profits still run). */
  pause(actor: Actor): Promise<{ paused: boolean; message: string }>;
  resume(actor: Actor): Promise<{ paused: boolean; message: string }>;
  /** The emergency stop of `aegis stop`: halt, cancel what would open risk, optionally close every position, exit. */
  stop(actor: Actor & { readonly flatten: boolean }): Promise<{ message: string }>;
  resetKillSwitch(actor: Actor): Promise<{ cleared: boolean; message: string }>;
  clearMacroRisk(actor: Actor): Promise<{ cleared: boolean; message: string }>;
  approveStrategy(id: string, actor: Actor): Promise<StrategyTransition>;
  retireStrategy(id: string, actor: Actor): Promise<StrategyTransition>;
  /** Sets one configuration value (dotted path); validated by the config schema, recorded with who/when/old/new. */
  changeConfig(path: string, value: unknown, actor: Actor): Promise<ConfigChange>;
  /** Puts the value a change replaced back; the rollback is itself a recorded change. */
  rollbackConfig(changeId: number, actor: Actor): Promise<ConfigChange>;
}

/** The configuration as the API shows it: the file + environment + changes made over the API, secrets redacted. */
export interface ConfigView {
  current(): Promise<Record<string, unknown>>;
  history(): Promise<ConfigChange[]>;
  /** Where the base configuration came from (file, environment) and when changes take effect. */
  readonly source: string;
}
