import { z } from "zod";
import { money, parseJson, pct } from "../shared/format.js";
import type { ProposedOrder, RiskCheckResult, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { recordRiskEvent } from "./risk-event-log.js";

export const killSwitchSchema = z
  .object({
    rollingDrop: z
      .object({
        enabled: z.boolean().default(true),
        /** Equity drop, in % of the highest equity seen within the window, that halts trading. */
        pct: z.number().positive().max(100).default(3),
        windowMinutes: z.number().positive().max(10_080).default(60),
      })
      .strict()
      .prefault({}),
    maxDrawdown: z
      .object({
        enabled: z.boolean().default(true),
        /** Drawdown from peak equity, in %, that halts trading. */
        pct: z.number().positive().max(100).default(25),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type KillSwitchConfig = z.infer<typeof killSwitchSchema>;

/** Store key of the latch. Present = trading is halted until a person resets it. */
export const KILL_SWITCH_KEY = "kill-switch";
/** Store key of the peak equity the drawdown switch measures from, so a restart does not forget the peak. */
export const KILL_SWITCH_PEAK_KEY = "kill-switch.peak-equity";
/** Store key of the last reset: who and when. */
export const KILL_SWITCH_LAST_RESET_KEY = "kill-switch.last-reset";

/** The verdict of every check while the switch is not tripped, shared by all records. */
const NOT_TRIPPED: RiskCheckResult = Object.freeze({
  layer: "kill-switch",
  verdict: "allow",
  reason: "kill switch not tripped",
});

/** What the latch records: which rule tripped, when, and the numbers that tripped it. */
export interface KillSwitchLatch {
  readonly rule: "rolling-drop" | "max-drawdown" | "unknown";
  readonly time: number;
  readonly reason: string;
  readonly equity: number;
  /** The equity the drop was measured from (window high or peak). */
  readonly reference: number;
}

const latchSchema = z.object({
  rule: z.enum(["rolling-drop", "max-drawdown"]),
  time: z.number(),
  reason: z.string(),
  equity: z.number(),
  reference: z.number(),
});

/**
 * Reads the kill-switch latch from `store`. A value that cannot be read still counts as latched — a damaged latch
 * must not silently re-enable trading — and says so in its reason.
 */
export function readKillSwitchLatch(store: RiskStateStore): KillSwitchLatch | undefined {
  const raw = store.get(KILL_SWITCH_KEY);
  if (raw === undefined) return undefined;
  const parsed = latchSchema.safeParse(parseJson(raw));
  if (parsed.success) return parsed.data;
  return {
    rule: "unknown",
    time: Number.NaN,
    reason: `latch value unreadable: ${raw.slice(0, 200)}`,
    equity: 0,
    reference: 0,
  };
}

/**
 * The kill switch, a risk layer driven by `observe` (equity once per time step):
 * - rolling drop: equity `pct` % or more below the highest equity observed within the last `windowMinutes`
 *   (the window includes an observation exactly `windowMinutes` old, so one 1h bar close-to-close counts);
 * - max drawdown: equity `pct` % or more below the peak equity (persisted in the store).
 * Either one sets a latch in the store and halts: from then on `check` answers "halt" for every order and
 * `observe` keeps reporting the halt. The latch lives in the store, so a new KillSwitch on a store that holds it
 * starts halted — a restart does not clear it. Only `resetKillSwitch` (a person, through the CLI) does.
 */
/** Relative rise of the peak equity that makes the kill switch write it to the store again (0.1 %). */
const PEAK_WRITE_STEP = 0.001;

export interface KillSwitchOptions {
  /** "backtest" words the halt for a run nobody can reset midway; default "trading" (paper and live). */
  readonly mode?: "backtest" | "trading";
}

export class KillSwitch implements RiskLayer {
  readonly name = "kill-switch";
  readonly phase = "limit";
  readonly #store: RiskStateStore;
  readonly #config: KillSwitchConfig;
  readonly #windowMs: number;
  /** The two rules' switches and limits, read once: `observe` runs on every time step. */
  readonly #rollingOn: boolean;
  readonly #rollingPct: number;
  readonly #drawdownOn: boolean;
  readonly #drawdownPct: number;
  /**
   * Rolling-window maximum as a monotonic deque in two growable typed arrays (observations with decreasing
   * equity, oldest = highest first): O(1) amortised per observation and no allocation per bar.
   */
  #times = new Float64Array(64);
  #equities = new Float64Array(64);
  #head = 0;
  #tail = 0;
  #peak: number | undefined;
  /** The peak as last written to the store; rewritten only when it rises by more than PEAK_WRITE_STEP. */
  #storedPeak: number | undefined;
  /** Whether this instance has seen the latch set; its disappearance then means a person reset it. */
  #sawLatch = false;
  /** What the halt message tells the user to do next. */
  readonly #nextStep: string;

  constructor(
    store: RiskStateStore,
    config: KillSwitchConfig = killSwitchSchema.parse({}),
    options: KillSwitchOptions = {},
  ) {
    this.#store = store;
    // Nobody can reset a backtest while it runs: there, the halt simply holds to the end.
    this.#nextStep =
      options.mode === "backtest"
        ? "the backtest only reduces positions from here on"
        : "a person must reset it (aegis risk reset)";
    this.#config = config;
    this.#windowMs = config.rollingDrop.windowMinutes * 60_000;
    this.#rollingOn = config.rollingDrop.enabled;
    this.#rollingPct = config.rollingDrop.pct;
    this.#drawdownOn = config.maxDrawdown.enabled;
    this.#drawdownPct = config.maxDrawdown.pct;
    this.#peak = this.#loadPeak();
    this.#storedPeak = this.#peak;
  }

  /** The store revision at which the latch was last read and found absent (NaN: not known). */
  #absentAt = Number.NaN;
  #latchRaw: string | undefined;
  #latchParsed: KillSwitchLatch | undefined;
  #haltResult: RiskCheckResult | undefined;

  /**
   * The latch, if the switch is tripped. Read from the store every time (another process may reset it), parsed
   * only when its text changed: once tripped, every bar asks.
   */
  latch(): KillSwitchLatch | undefined {
    const raw = this.#store.get(KILL_SWITCH_KEY);
    if (raw === undefined) return undefined;
    if (raw !== this.#latchRaw) {
      this.#latchRaw = raw;
      this.#latchParsed = readKillSwitchLatch(this.#store);
      this.#haltResult = undefined;
    }
    return this.#latchParsed;
  }

  /** "halt" for every order while latched, reduce-only ones included (the shield still lets those through). */
  check(_order?: ProposedOrder): RiskCheckResult {
    const latch = this.latch();
    if (latch) {
      this.#sawLatch = true;
      return this.#halt(latch);
    }
    return NOT_TRIPPED;
  }

  observe(time: number, equity: number): RiskCheckResult | undefined {
    // Runs on every time step, so the usual case (no latch, nothing trips) stays in this one function; a store that
    // counts its changes is not asked again while nothing in it changed since the latch was last seen absent.
    const revision = this.#store.revision;
    if (revision === undefined || revision !== this.#absentAt || this.#sawLatch) this.#pollLatch(revision);
    if (this.#sawLatch) {
      const latch = this.latch();
      if (latch) {
        this.#sawLatch = true;
        return this.#halt(latch);
      }
      // A person reset the switch while this instance ran: measure afresh from now.
      this.#sawLatch = false;
      this.#head = 0;
      this.#tail = 0;
      this.#peak = this.#loadPeak();
      this.#storedPeak = this.#peak;
    }
    let tripped: KillSwitchLatch | undefined;
    if (this.#rollingOn) {
      // The window's high is the head of a deque of observations with decreasing equity.
      const times = this.#times;
      const equities = this.#equities;
      const from = time - this.#windowMs;
      let head = this.#head;
      let tail = this.#tail;
      while (head < tail && (times[head] as number) < from) head++;
      const high = head < tail ? (equities[head] as number) : equity;
      while (tail > head && (equities[tail - 1] as number) <= equity) tail--;
      this.#head = head;
      this.#tail = tail;
      if (tail === times.length) this.#makeRoom();
      this.#times[this.#tail] = time;
      this.#equities[this.#tail] = equity;
      this.#tail++;
      // Written as "not below" so that an equity that is not a number trips it.
      if (high > 0 && !(((high - equity) / high) * 100 < this.#rollingPct - 1e-9)) {
        tripped = this.#rollingDrop(time, equity, high);
      }
    }
    if (tripped === undefined && this.#drawdownOn) {
      let peak = this.#peak;
      if (peak === undefined || equity > peak) {
        this.#raisePeak(equity);
        peak = equity;
      }
      if (peak > 0 && !(((peak - equity) / peak) * 100 < this.#drawdownPct - 1e-9)) {
        tripped = this.#maxDrawdown(time, equity, peak);
      }
    }
    if (!tripped) return undefined;
    this.#store.set(KILL_SWITCH_KEY, JSON.stringify(tripped));
    recordRiskEvent(this.#store, { time, kind: "kill-switch.set", detail: { ...tripped } });
    this.#sawLatch = true;
    return this.#halt(tripped);
  }

  /** Reads the latch (`observe`): notes a latch as seen, or the revision at which it was absent. */
  #pollLatch(revision: number | undefined): void {
    if (this.#store.get(KILL_SWITCH_KEY) !== undefined) this.#sawLatch = true;
    else if (!this.#sawLatch && revision !== undefined) this.#absentAt = revision;
  }

  /** The latch of a rolling drop from `high` to `equity` that reached the limit. */
  #rollingDrop(time: number, equity: number, high: number): KillSwitchLatch {
    const rule = this.#config.rollingDrop;
    const drop = (high - equity) / high;
    return {
      rule: "rolling-drop",
      time,
      equity,
      reference: high,
      reason: `equity down ${pct(drop)} within ${rule.windowMinutes} min (${money(high)} → ${money(equity)}), limit ${rule.pct} %`,
    };
  }

  /** The latch of a drawdown from `peak` to `equity` that reached the limit. */
  #maxDrawdown(time: number, equity: number, peak: number): KillSwitchLatch {
    const rule = this.#config.maxDrawdown;
    const drawdown = (peak - equity) / peak;
    return {
      rule: "max-drawdown",
      time,
      equity,
      reference: peak,
      reason: `drawdown ${pct(drawdown)} from peak equity (${money(peak)} → ${money(equity)}), limit ${rule.pct} %`,
    };
  }

  #raisePeak(equity: number): void {
    this.#peak = equity;
    // Persisting every new high would write the store on most bars of a rising market; a peak stored up to
    // PEAK_WRITE_STEP low only makes a restarted switch measure drawdown that much more leniently.
    if (this.#storedPeak === undefined || equity > this.#storedPeak * (1 + PEAK_WRITE_STEP)) {
      this.#storedPeak = equity;
      this.#store.set(KILL_SWITCH_PEAK_KEY, String(equity));
    }
  }

  /** Frees the end of the full deque arrays: compacts first, grows only when the live part fills them. */
  #makeRoom(): void {
    const live = this.#tail - this.#head;
    if (this.#head > 0 && live < this.#times.length / 2) {
      this.#times.copyWithin(0, this.#head, this.#tail);
      this.#equities.copyWithin(0, this.#head, this.#tail);
    } else {
      const times = new Float64Array(this.#times.length * 2);
      const equities = new Float64Array(this.#times.length * 2);
      times.set(this.#times.subarray(this.#head, this.#tail));
      equities.set(this.#equities.subarray(this.#head, this.#tail));
      this.#times = times;
      this.#equities = equities;
    }
    this.#head = 0;
    this.#tail = live;
  }

  #halt(latch: KillSwitchLatch): RiskCheckResult {
    if (this.#haltResult && latch === this.#latchParsed) return this.#haltResult;
    const since = Number.isFinite(latch.time) ? ` since ${new Date(latch.time).toISOString()}` : "";
    const result: RiskCheckResult = {
      layer: this.name,
      verdict: "halt",
      reason: `kill switch tripped${since}: ${latch.reason}; ${this.#nextStep}`,
    };
    if (latch === this.#latchParsed) this.#haltResult = result;
    return result;
  }

  #loadPeak(): number | undefined {
    const raw = this.#store.get(KILL_SWITCH_PEAK_KEY);
    if (raw === undefined) return undefined;
    const peak = Number(raw);
    if (!Number.isFinite(peak)) throw new RangeError(`risk state ${KILL_SWITCH_PEAK_KEY} is not a number: ${raw}`);
    return peak;
  }
}

/** Factory from the parsed config section; undefined when both rules are switched off. */
export function createKillSwitch(
  config: KillSwitchConfig,
  store: RiskStateStore,
  options: KillSwitchOptions = {},
): KillSwitch | undefined {
  if (!config.rollingDrop.enabled && !config.maxDrawdown.enabled) return undefined;
  return new KillSwitch(store, config, options);
}

/**
 * Clears the kill switch: what `aegis risk reset` calls on behalf of a person. `by` names that person and `time`
 * is when they acted (the CLI passes the wall clock); both go to the store and its audit trail. The drawdown peak
 * is cleared too, otherwise the switch would trip again on the next bar. Returns the latch it cleared, if any.
 */
export function resetKillSwitch(store: RiskStateStore, by: string, time: number): KillSwitchLatch | undefined {
  const who = by.trim();
  if (who.length === 0) throw new RangeError("resetting the kill switch needs the name of the person doing it");
  if (!Number.isFinite(time)) throw new RangeError(`reset time ${time} is not a valid Unix ms time`);
  const latch = readKillSwitchLatch(store);
  store.delete(KILL_SWITCH_KEY);
  store.delete(KILL_SWITCH_PEAK_KEY);
  store.set(KILL_SWITCH_LAST_RESET_KEY, JSON.stringify({ by: who, time, cleared: latch ?? null }));
  recordRiskEvent(store, { time, kind: "kill-switch.reset", detail: { by: who, cleared: latch ?? null } });
  return latch;
}
