import { z } from "zod";
import { parseJson } from "../shared/format.js";
import type { RiskStateStore } from "../state-store.js";
import { recordRiskEvent } from "./risk-event-log.js";

export const stabilityLockSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Hours that must pass after a strategy change before the next one, unless an emergency override is given. */
    minHours: z.number().min(0).max(8_760).default(12),
  })
  .strict();
export type StabilityLockConfig = z.infer<typeof stabilityLockSchema>;

/** Default store key; give each independently evolving unit its own key if several are locked separately. */
export const STABILITY_LOCK_KEY = "stability-lock";

export interface StrategyChange {
  readonly time: number;
  readonly description: string;
  /** The reason of the emergency override the change was made under, if it was. */
  readonly emergency?: string;
}

export interface StabilityCheck {
  readonly allowed: boolean;
  readonly reason: string;
  /** Milliseconds until the lock opens; 0 when it is open. */
  readonly remainingMs: number;
  readonly lastChange: StrategyChange | undefined;
  /** The emergency reason, when an override is what let the change through. */
  readonly override?: string;
}

export interface StabilityLockOptions {
  readonly minHours: number;
  readonly enabled?: boolean;
  readonly key?: string;
}

const changeSchema = z.object({ time: z.number(), description: z.string(), emergency: z.string().optional() });

/**
 * The stability lock: no strategy change within `minHours` of the last one (AlphaWEEX's 12-hour lock), so a new
 * strategy has time to show how it behaves before the next replaces it. An emergency override lets a change
 * through anyway and is recorded with its reason. It guards strategy changes, not orders, so it is not a risk
 * layer: the evolution pipeline asks `check` before a change and calls `recordChange` after it. The last change
 * lives in the store, so a restart does not open the lock.
 */
export class StabilityLock {
  readonly #store: RiskStateStore;
  readonly #minMs: number;
  readonly #enabled: boolean;
  readonly #key: string;

  constructor(store: RiskStateStore, options: StabilityLockOptions = { minHours: 12 }) {
    if (!(options.minHours >= 0)) throw new RangeError(`stability lock minHours must be ≥ 0, got ${options.minHours}`);
    this.#store = store;
    this.#minMs = options.minHours * 3_600_000;
    this.#enabled = options.enabled ?? true;
    this.#key = options.key ?? STABILITY_LOCK_KEY;
  }

  /** The last recorded change, if any. */
  lastChange(): StrategyChange | undefined {
    const raw = this.#store.get(this.#key);
    if (raw === undefined) return undefined;
    const parsed = changeSchema.safeParse(parseJson(raw));
    if (!parsed.success) throw new RangeError(`risk state ${this.#key} is unreadable: ${raw.slice(0, 200)}`);
    const { time, description, emergency } = parsed.data;
    return emergency === undefined ? { time, description } : { time, description, emergency };
  }

  /**
   * May a strategy change happen at `time`? Denied, with the time left, within `minHours` of the last change —
   * unless `emergency` gives a reason, which allows it and records the override in the audit trail.
   */
  check(time: number, options: { emergency?: string } = {}): StabilityCheck {
    const emergency = emergencyReason(options.emergency);
    const lastChange = this.lastChange();
    const remainingMs = this.#enabled && lastChange ? Math.max(0, lastChange.time + this.#minMs - time) : 0;
    if (!this.#enabled) return { allowed: true, reason: "stability lock disabled", remainingMs, lastChange };
    if (remainingMs === 0) {
      const reason = lastChange
        ? `last strategy change ${iso(lastChange.time)} is ${this.#minMs / 3_600_000} h or more ago`
        : "no strategy change recorded";
      return { allowed: true, reason, remainingMs, lastChange };
    }
    const locked = `last strategy change ${iso((lastChange as StrategyChange).time)} (${(lastChange as StrategyChange).description}); ${hours(remainingMs)} left of the ${this.#minMs / 3_600_000} h stability lock`;
    if (emergency === undefined) return { allowed: false, reason: locked, remainingMs, lastChange };
    recordRiskEvent(this.#store, {
      time,
      kind: "stability-lock.override",
      detail: { emergency, remainingMs, lastChange },
    });
    return {
      allowed: true,
      reason: `emergency override (${emergency}) of: ${locked}`,
      remainingMs,
      lastChange,
      override: emergency,
    };
  }

  /**
   * Records a strategy change at `time`. Refuses one the lock forbids — within `minHours` of the last change and
   * without an emergency reason — so that the record never shows a change the lock should have stopped.
   */
  recordChange(time: number, description: string, options: { emergency?: string } = {}): void {
    if (description.trim().length === 0) throw new RangeError("a strategy change needs a description");
    const emergency = emergencyReason(options.emergency);
    const lastChange = this.lastChange();
    const locked = this.#enabled && lastChange !== undefined && lastChange.time + this.#minMs > time;
    if (locked && emergency === undefined) {
      throw new RangeError(
        `stability lock: cannot record "${description}" at ${iso(time)}, ${hours((lastChange as StrategyChange).time + this.#minMs - time)} left since the change at ${iso((lastChange as StrategyChange).time)}; give an emergency reason to override`,
      );
    }
    const change: StrategyChange =
      locked && emergency !== undefined ? { time, description, emergency } : { time, description };
    this.#store.set(this.#key, JSON.stringify(change));
    recordRiskEvent(this.#store, { time, kind: "stability-lock.change", detail: { ...change } });
  }
}

/** Factory from the parsed config section. */
export function createStabilityLock(config: StabilityLockConfig, store: RiskStateStore, key?: string): StabilityLock {
  return new StabilityLock(store, { minHours: config.minHours, enabled: config.enabled, ...(key ? { key } : {}) });
}

function emergencyReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const trimmed = reason.trim();
  if (trimmed.length === 0) throw new RangeError("an emergency override needs a reason");
  return trimmed;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(2)} h`;
}
