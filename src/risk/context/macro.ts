import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { adjustment, reduceOnlyVerdict } from "./adjust.js";
import type { ContextProvider, Observation } from "./provider.js";
import { decisionInstant, formatInstant, formatPct, formatScale, formatSpan } from "./time.js";

/** Store key of the latched macro risk level (absent = normal). */
export const MACRO_RISK_KEY = "macro-risk";
/** Store key of the last clearing: who cleared it and through which observation, so that one drop trips once. */
export const MACRO_CLEARED_KEY = "macro-risk-cleared";

/** The latched "global risk HIGH" state, as stored under MACRO_RISK_KEY. */
export interface MacroRiskLatch {
  readonly level: "HIGH";
  readonly symbol: string;
  /** Fractional change that tripped it (-0.014 = -1.4 %). */
  readonly change: number;
  /** Instant the tripping close was known. */
  readonly observedAt: number;
  readonly reason: string;
}

export interface MacroRiskOptions {
  /** Closes per index symbol (SPY, QQQ), point-in-time: an observation's time is when that close was known. */
  readonly providers: Readonly<Record<string, ContextProvider<number>>>;
  readonly store: RiskStateStore;
  /** A fall of more than this fraction over `windowMs` trips the latch (default 0.01 = 1 %). */
  readonly drop?: number;
  /** Default 1 h. */
  readonly windowMs?: number;
  /** Size multiplier while risk is HIGH (default 0.5). */
  readonly scale?: number;
  /** Why there are no providers, for the reason ("no files configured in context.macro.files"). */
  readonly note?: string;
}

/**
 * Macro risk (AlphaWEEX's TradFi Oracle): when SPY or QQQ closes more than 1 % below its close one hour earlier,
 * global risk goes HIGH and every new position is sized × 0.5 until a person clears it (`clearMacroRisk`). The
 * level lives in the RiskStateStore, so a restart keeps it. Every close is examined once, in time order, whether
 * or not an order is being checked at that moment (`observe` runs every time step), so a drop at 15:00 still
 * counts for an order at 18:00. Without data (equities closed at the weekend, no file) the layer is neutral.
 */
export class MacroRiskLayer implements RiskLayer {
  readonly name = "macro-risk";
  readonly phase = "adjust";
  readonly #providers: readonly (readonly [string, ContextProvider<number>])[];
  readonly #store: RiskStateStore;
  readonly #drop: number;
  readonly #windowMs: number;
  readonly #scale: number;
  readonly #note: string;
  #scannedThrough = Number.NaN;
  /** Verdicts whose reason cannot change, built on first use (without index series, every reason is fixed). */
  #highReducing: RiskCheckResult | undefined;
  #neutral: RiskCheckResult | undefined;
  #neutralReducing: RiskCheckResult | undefined;
  #latchedVerdict: { latch: MacroRiskLatch; result: RiskCheckResult } | undefined;
  /** The stored latch and clearing as last parsed, by their text: once set, every check and bar reads them. */
  readonly #latchReader = new LatchReader();
  #clearedText: string | undefined;
  #clearedThrough = Number.NEGATIVE_INFINITY;

  constructor(options: MacroRiskOptions) {
    this.#providers = Object.entries(options.providers);
    this.#store = options.store;
    this.#drop = options.drop ?? 0.01;
    this.#windowMs = options.windowMs ?? 3_600_000;
    this.#scale = options.scale ?? 0.5;
    this.#note = options.note ?? "no index series configured";
    if (!(this.#drop > 0 && this.#drop < 1)) throw new RangeError(`macro drop must be in (0, 1), got ${this.#drop}`);
    if (!(this.#windowMs > 0)) throw new RangeError(`macro window must be > 0 ms, got ${this.#windowMs}`);
    if (!(this.#scale >= 0 && this.#scale <= 1))
      throw new RangeError(`macro scale must be in [0, 1], got ${this.#scale}`);
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (this.#providers.length === 0) return this.#checkWithoutSeries(order, this.#latchReader.read(this.#store));
    const asOf = decisionInstant(context.time, context.market);
    this.#scan(asOf);
    const latch = this.#latchReader.read(this.#store);
    const now = this.#describeNow(asOf);
    if (order.reduceOnly) return reduceOnlyVerdict(this.name, latch ? "macro risk HIGH" : now.text);
    if (latch) {
      return adjustment(
        this.name,
        this.#scale,
        `${latch.reason} → risk HIGH ${formatScale(this.#scale)} (latched until a person clears it; now: ${now.text})`,
      );
    }
    if (!now.anyData) return adjustment(this.name, 1, `no macro data (${now.text}) → neutral ${formatScale(1)}`);
    return adjustment(this.name, 1, `${now.text} → risk normal ${formatScale(1)}`);
  }

  /**
   * `check` when no index series is configured: nothing can trip the latch here (another process still can), and
   * every reason is fixed, so each verdict is built once.
   */
  #checkWithoutSeries(order: ProposedOrder, latch: MacroRiskLatch | undefined): RiskCheckResult {
    if (order.reduceOnly) {
      if (latch) {
        this.#highReducing ??= Object.freeze(reduceOnlyVerdict(this.name, "macro risk HIGH"));
        return this.#highReducing;
      }
      this.#neutralReducing ??= Object.freeze(reduceOnlyVerdict(this.name, this.#note));
      return this.#neutralReducing;
    }
    if (latch) {
      if (this.#latchedVerdict?.latch !== latch) {
        const result = adjustment(
          this.name,
          this.#scale,
          `${latch.reason} → risk HIGH ${formatScale(this.#scale)} (latched until a person clears it; now: ${this.#note})`,
        );
        this.#latchedVerdict = { latch, result: Object.freeze(result) };
      }
      return this.#latchedVerdict.result;
    }
    this.#neutral ??= Object.freeze(
      adjustment(this.name, 1, `no macro data (${this.#note}) → neutral ${formatScale(1)}`),
    );
    return this.#neutral;
  }

  /** Without index series there is nothing to examine on each time step. */
  get observesSteps(): boolean {
    return this.#providers.length > 0;
  }

  /** Examines the closes known by each time step (the bar's open: never later than what was known). */
  observe(time: number): undefined {
    this.#scan(time);
    return undefined;
  }

  /** The latched level, for status displays. */
  status(): MacroRiskLatch | undefined {
    return readMacroRisk(this.#store);
  }

  /** Looks at every close known in (last scan, asOf] and latches on the first fall beyond the threshold. */
  #scan(asOf: number): void {
    if (asOf <= this.#scannedThrough) return;
    // On the first look only recent closes count: a drop long before the session started is history, not news.
    const from = Number.isNaN(this.#scannedThrough) ? asOf - this.#windowMs : this.#scannedThrough;
    this.#scannedThrough = asOf;
    // Without series there are no closes to look at.
    if (this.#providers.length === 0) return;
    if (this.#latchReader.read(this.#store)) return;
    const cleared = this.#readClearedThrough();
    for (const [symbol, provider] of this.#providers) {
      for (const point of newPoints(provider, from, asOf)) {
        if (point.time <= cleared) continue;
        const move = this.#change(provider, point);
        // The epsilon keeps a fall of exactly the threshold (495 / 500 − 1 = −0.01000…09 in floats) below it.
        if (move === undefined || !(move.change < -this.#drop - 1e-12)) continue;
        const latch: MacroRiskLatch = {
          level: "HIGH",
          symbol,
          change: move.change,
          observedAt: point.time,
          reason: `${symbol} ${formatPct(move.change)} in ${formatSpan(point.time - move.before.time)} at ${formatInstant(point.time)} (close ${point.value} vs ${move.before.value}; limit -${(this.#drop * 100).toFixed(2)} %)`,
        };
        this.#store.set(MACRO_RISK_KEY, JSON.stringify(latch));
        return;
      }
    }
  }

  /** `readClearedThrough`, parsing the stored text only when it changed. */
  #readClearedThrough(): number {
    const text = this.#store.get(MACRO_CLEARED_KEY);
    if (text !== this.#clearedText) {
      this.#clearedText = text;
      this.#clearedThrough = readClearedThrough(this.#store);
    }
    return this.#clearedThrough;
  }

  /** Change of the close `point` against the close known one window earlier; undefined when that one is missing. */
  #change(provider: ContextProvider<number>, point: Observation<number>) {
    const before = provider.at(point.time - this.#windowMs);
    if (before === undefined || !(before.value > 0)) return undefined;
    return { change: point.value / before.value - 1, before };
  }

  #describeNow(asOf: number): { text: string; anyData: boolean } {
    if (this.#providers.length === 0) return { text: this.#note, anyData: false };
    const parts: string[] = [];
    let anyData = false;
    for (const [symbol, provider] of this.#providers) {
      const latest = provider.at(asOf);
      if (latest === undefined) {
        parts.push(`${symbol}: ${provider.missing?.(asOf) ?? `no data at ${formatInstant(asOf)}`}`);
        continue;
      }
      const move = this.#change(provider, latest);
      if (move === undefined) {
        parts.push(
          `${symbol} ${latest.value} at ${formatInstant(latest.time)}, no close ${formatSpan(this.#windowMs)} before`,
        );
        continue;
      }
      anyData = true;
      parts.push(
        `${symbol} ${formatPct(move.change)} in ${formatSpan(latest.time - move.before.time)} at ${formatInstant(latest.time)}`,
      );
    }
    return { text: parts.join(", "), anyData };
  }
}

/** Reads the latch; a value that is set but unreadable still means HIGH (a latch must fail closed). */
export function readMacroRisk(store: RiskStateStore): MacroRiskLatch | undefined {
  const text = store.get(MACRO_RISK_KEY);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<MacroRiskLatch>;
    if (value.level === "HIGH" && typeof value.reason === "string" && typeof value.observedAt === "number") {
      return value as MacroRiskLatch;
    }
  } catch {
    // fall through: an unreadable latch is reported below, not ignored
  }
  return {
    level: "HIGH",
    symbol: "?",
    change: Number.NaN,
    observedAt: Number.NaN,
    reason: `macro risk latch "${MACRO_RISK_KEY}" holds an unreadable value ${JSON.stringify(text.slice(0, 80))}`,
  };
}

/**
 * `readMacroRisk` that parses the stored text only when it changed, and so returns the same latch object while the
 * text stays the same.
 */
class LatchReader {
  #text: string | undefined;
  #latch: MacroRiskLatch | undefined;

  read(store: RiskStateStore): MacroRiskLatch | undefined {
    const text = store.get(MACRO_RISK_KEY);
    if (text === undefined) return undefined;
    if (text !== this.#text) {
      this.#text = text;
      this.#latch = readMacroRisk(store);
    }
    return this.#latch;
  }
}

/**
 * Clears a latched macro risk level: the person's action the latch waits for (CLI now, API later). The close that
 * tripped it will not trip it again; a new drop will. Returns the latch that was cleared, or undefined when risk
 * was already normal.
 */
export function clearMacroRisk(store: RiskStateStore, by: string): MacroRiskLatch | undefined {
  if (by.trim() === "") throw new RangeError("clearing macro risk needs the name of who clears it");
  const latch = readMacroRisk(store);
  if (latch === undefined) return undefined;
  const through = Math.max(readClearedThrough(store), Number.isFinite(latch.observedAt) ? latch.observedAt : -Infinity);
  store.set(MACRO_CLEARED_KEY, JSON.stringify({ by, through, cleared: latch.reason }));
  store.delete(MACRO_RISK_KEY);
  return latch;
}

function readClearedThrough(store: RiskStateStore): number {
  const text = store.get(MACRO_CLEARED_KEY);
  if (text === undefined) return Number.NEGATIVE_INFINITY;
  try {
    const through = (JSON.parse(text) as { through?: unknown }).through;
    return typeof through === "number" ? through : Number.NEGATIVE_INFINITY;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/** Observations known in (after, through]; a provider without history gives its latest one if it is new. */
function newPoints(provider: ContextProvider<number>, after: number, through: number): readonly Observation<number>[] {
  if (provider.between) return provider.between(after, through);
  const latest = provider.at(through);
  return latest !== undefined && latest.time > after ? [latest] : [];
}
