import type { Venue } from "../execution/venue.js";
import type { EngineParts } from "./engine-parts.js";
import type { EventBus } from "./events.js";

/** A layer's name and its reason for refusing a new entry. */
export interface EntryBlock {
  readonly layer: string;
  readonly reason: string;
}

/**
 * Whether trading is halted, by a risk layer or an operator, and whether new entries are refused right now. Once
 * halted, only orders that reduce a position go out; the halt is never lifted within a run.
 */
export class TradingHalt {
  #halted = false;
  #reason = "";
  #time = Number.NaN;
  /** Why an operator stopped trading, if one did. */
  #stoppedBy: string | undefined;
  readonly #broker: Venue;
  readonly #bus: EventBus;
  readonly #entryGate: EngineParts["entryGate"];

  constructor(broker: Venue, bus: EventBus, entryGate: EngineParts["entryGate"]) {
    this.#broker = broker;
    this.#bus = bus;
    this.#entryGate = entryGate;
  }

  get halted(): boolean {
    return this.#halted;
  }

  get reason(): string {
    return this.#reason;
  }

  /** When the last halt happened (Unix ms), NaN before any. */
  get time(): number {
    return this.#time;
  }

  /** Halts unless already halted (the first reason and time stay). */
  trip(time: number, reason: string): void {
    if (!this.#halted) this.#halt(time, reason);
  }

  /** An operator's emergency stop: every later entry is refused with its reason, whatever the risk layers say. */
  stop(time: number, reason: string): void {
    this.#stoppedBy = reason;
    this.trip(time, reason);
  }

  /** Why a new entry on `symbol` is refused now (the operator's stop, then the entry gate), if it is. */
  entryBlocked(symbol: string): EntryBlock | undefined {
    if (this.#stoppedBy !== undefined) return { layer: "emergency-stop", reason: this.#stoppedBy };
    return this.#entryGate?.(symbol);
  }

  #halt(time: number, reason: string): void {
    this.#halted = true;
    this.#reason = reason;
    this.#time = time;
    // Orders that would open risk go; orders that protect or close a position stay.
    this.#broker.cancelAll(`halted: ${reason}`, time, undefined, true);
    if (this.#bus.has("KILL_SWITCH")) this.#bus.publish("KILL_SWITCH", { time, reason });
    if (this.#bus.has("ALERT"))
      this.#bus.publish("ALERT", { time, level: "critical", message: `trading halted: ${reason}` });
  }
}
