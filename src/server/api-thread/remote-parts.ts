import { type EngineEvents, EventBus, type EventName } from "../../engine/events.js";
import { MetricsRegistry } from "../metrics.js";
import { ReadinessRegistry, type ReadinessReport } from "../readiness.js";
import { BadRequest } from "../route.js";
import { HttpError } from "../routes/read-common.js";
import { ConfigRejected, ControlConflict, ControlNotFound, type SessionControl } from "../session-control.js";
import type { AskWhat, RemoteError } from "./messages.js";

/** A question to the trading thread, answered by its message; rejects with the error it threw, rebuilt by name. */
export type Ask = (question: AskWhat) => Promise<unknown>;

/** The trading thread's error as the class the API's error handler maps to its status code. */
export function rebuildError(error: RemoteError): Error {
  if (error.name === "ControlConflict") return new ControlConflict(error.message);
  if (error.name === "ControlNotFound") return new ControlNotFound(error.message);
  if (error.name === "ConfigRejected") return new ConfigRejected(error.field ?? "", error.message);
  if (error.field !== undefined) return new BadRequest(error.field, error.message);
  if (error.statusCode !== undefined) return new HttpError(error.statusCode, error.message);
  return new Error(error.message);
}

/** The error thrown by a control on the trading thread, as a message that crosses the thread boundary. */
export function remoteError(error: unknown): RemoteError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const field = (error as { field?: unknown }).field;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  return {
    name: error.name,
    message: error.message,
    ...(typeof field === "string" ? { field } : {}),
    ...(typeof statusCode === "number" ? { statusCode } : {}),
  };
}

/** The session controls the worker may ask the trading thread for; the trading thread answers no other. */
export const CONTROL_METHODS = [
  "pause",
  "resume",
  "stop",
  "resetKillSwitch",
  "clearMacroRisk",
  "approveStrategy",
  "retireStrategy",
  "changeConfig",
  "rollbackConfig",
] as const satisfies readonly (keyof SessionControl)[];

/** Every control runs on the trading thread, as in-process; the worker only carries the call and its answer. */
export function remoteControl(ask: Ask): SessionControl {
  const control = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of CONTROL_METHODS) control[method] = (...args) => ask({ what: "control", method, args });
  return control as unknown as SessionControl;
}

/** The readiness check of the trading thread's components (feeds, venue, store, alerts, AI), asked each time. */
export class RemoteReadiness extends ReadinessRegistry {
  constructor(readonly ask: Ask) {
    super();
  }
  override async report(): Promise<ReadinessReport> {
    return (await this.ask({ what: "readiness" })) as ReadinessReport;
  }
}

export const API_REQUEST_METRIC = "aegis_api_request_duration_seconds";

/**
 * /metrics in the worker: the trading thread's families (decisions, orders, fills, rejections, feed lag, its memory)
 * as it rendered them a moment ago, with the API latency family replaced by the worker's, which times the answers.
 * The route renders synchronously, so `refresh` fetches the trading thread's text before it runs.
 */
export class RemoteMetrics extends MetricsRegistry {
  #main = "";
  constructor(readonly ask: Ask) {
    super();
  }
  async refresh(): Promise<void> {
    this.#main = String(await this.ask({ what: "metrics" }));
  }
  override render(): string {
    const main = this.#main
      .split("\n")
      .filter((line) => line !== "" && !line.replace(/^# (HELP|TYPE) /, "").startsWith(API_REQUEST_METRIC));
    return `${[
      ...main,
      ...super
        .render()
        .split("\n")
        .filter((l) => l !== ""),
    ].join("\n")}\n`;
  }
}

/**
 * The worker's bus: the trading thread's events arrive as messages and are published here. It says which events
 * have subscribers, so the trading thread forwards those only (none while no dashboard is connected).
 */
export class ForwardedBus extends EventBus {
  readonly #counts = new Map<EventName, number>();
  onListen: (names: EventName[]) => void = () => {};

  override on<K extends EventName>(name: K, handler: (payload: EngineEvents[K]) => void): () => void {
    const off = super.on(name, handler);
    this.#change(name, 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      this.#change(name, -1);
    };
  }

  #change(name: EventName, by: number): void {
    const before = [...this.#counts.keys()].sort().join();
    const n = (this.#counts.get(name) ?? 0) + by;
    if (n > 0) this.#counts.set(name, n);
    else this.#counts.delete(name);
    const names = [...this.#counts.keys()].sort();
    if (names.join() !== before) this.onListen(names);
  }
}
