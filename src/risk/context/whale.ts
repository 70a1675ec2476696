import type { MarketSnapshot } from "../market-snapshot.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import { adjustment, reduceOnlyVerdict } from "./adjust.js";
import type { ContextProvider, Observation } from "./provider.js";
import { decisionInstant, formatInstant, formatScale, formatSpan } from "./time.js";

/**
 * What position management asks to tighten stops: a factor of the normal stop distance (1 = normal, 0.75 = a
 * quarter closer to the entry or trail reference). `time` is a bar's open time as the engine labels it; `market`
 * turns it into the decision instant (its close), see `decisionInstant`.
 */
export interface StopTightener {
  stopTightening(time: number, market?: Pick<MarketSnapshot, "periodsPerYear">): number;
}

export interface WhaleInflowOptions {
  /** Exchange inflow (BTC) per observation, point-in-time. Undefined: no data, the layer is neutral. */
  readonly provider?: ContextProvider<number>;
  /** Inflow at or above this is a whale event (default 1000 BTC). */
  readonly threshold?: number;
  /** Size multiplier while an event is active (default 0.7). */
  readonly scale?: number;
  /** Stop distance factor while an event is active (default 0.75). */
  readonly stopFactor?: number;
  /** How long an event stays active after it was known (default 24 h). */
  readonly expiryMs?: number;
  /** Why there is no provider, for the reason. */
  readonly note?: string;
}

/** The state of the whale flag at one instant. */
export interface WhaleStatus {
  readonly active: boolean;
  readonly event: Observation<number> | undefined;
  readonly expiresAt: number | undefined;
  readonly reason: string;
}

/**
 * Whale inflow (AlphaWEEX's Narrative Pulse): exchange inflow of at least 1000 BTC means someone may be about to
 * sell; for 24 hours after it was known every new position is sized × 0.7 and position management keeps stops at
 * 0.75 of their normal distance (`stopTightening`). An event stays active until it expires even if the feed goes
 * quiet after it; without an event and without fresh data the layer is neutral and says so.
 */
export class WhaleInflowLayer implements RiskLayer, StopTightener {
  readonly name = "whale-inflow";
  readonly phase = "adjust";
  readonly #provider: ContextProvider<number> | undefined;
  readonly #threshold: number;
  readonly #scale: number;
  readonly #stopFactor: number;
  readonly #expiryMs: number;
  readonly #note: string;
  /** For providers without history: the last event seen through `at`. */
  #lastEvent: Observation<number> | undefined;
  /** Without a series the status and both verdicts are fixed: built once each. */
  #noData: WhaleStatus | undefined;
  #neutral: RiskCheckResult | undefined;
  #neutralReducing: RiskCheckResult | undefined;

  constructor(options: WhaleInflowOptions = {}) {
    this.#provider = options.provider;
    this.#threshold = options.threshold ?? 1000;
    this.#scale = options.scale ?? 0.7;
    this.#stopFactor = options.stopFactor ?? 0.75;
    this.#expiryMs = options.expiryMs ?? 86_400_000;
    this.#note = options.note ?? "no inflow series configured";
    if (!(this.#threshold > 0)) throw new RangeError(`whale threshold must be > 0, got ${this.#threshold}`);
    if (!(this.#scale >= 0 && this.#scale <= 1))
      throw new RangeError(`whale scale must be in [0, 1], got ${this.#scale}`);
    if (!(this.#stopFactor > 0 && this.#stopFactor <= 1)) {
      throw new RangeError(`whale stop factor must be in (0, 1], got ${this.#stopFactor}`);
    }
    if (!(this.#expiryMs > 0)) throw new RangeError(`whale expiry must be > 0 ms, got ${this.#expiryMs}`);
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (this.#provider === undefined) {
      if (order.reduceOnly) {
        this.#neutralReducing ??= Object.freeze(reduceOnlyVerdict(this.name, this.#statusWithoutData().reason));
        return this.#neutralReducing;
      }
      this.#neutral ??= Object.freeze(adjustment(this.name, 1, this.#statusWithoutData().reason));
      return this.#neutral;
    }
    const status = this.status(decisionInstant(context.time, context.market));
    if (order.reduceOnly) return reduceOnlyVerdict(this.name, status.reason);
    return adjustment(this.name, status.active ? this.#scale : 1, status.reason);
  }

  stopTightening(time: number, market?: Pick<MarketSnapshot, "periodsPerYear">): number {
    return this.status(decisionInstant(time, market)).active ? this.#stopFactor : 1;
  }

  /** Whether a whale event is active at instant `asOf` (already a decision instant), and why. */
  status(asOf: number): WhaleStatus {
    const provider = this.#provider;
    if (provider === undefined) return this.#statusWithoutData();
    const latest = provider.at(asOf);
    const event = this.#latestEvent(provider, asOf, latest);
    if (event !== undefined) {
      const expiresAt = event.time + this.#expiryMs;
      return {
        active: true,
        event,
        expiresAt,
        reason: `BTC exchange inflow ${event.value} BTC at ${formatInstant(event.time)} ≥ ${this.#threshold} → whale risk ${formatScale(this.#scale)}, stops ${formatScale(this.#stopFactor)} until ${formatInstant(expiresAt)}`,
      };
    }
    if (latest === undefined) {
      const why = provider.missing?.(asOf) ?? `no inflow at ${formatInstant(asOf)}`;
      return {
        active: false,
        event: undefined,
        expiresAt: undefined,
        reason: `no whale data (${why}) → neutral ${formatScale(1)}`,
      };
    }
    return {
      active: false,
      event: undefined,
      expiresAt: undefined,
      reason: `BTC exchange inflow ${latest.value} BTC at ${formatInstant(latest.time)}, none ≥ ${this.#threshold} in the last ${formatSpan(this.#expiryMs)} → ${formatScale(1)}`,
    };
  }

  #statusWithoutData(): WhaleStatus {
    this.#noData ??= Object.freeze({
      active: false,
      event: undefined,
      expiresAt: undefined,
      reason: `no whale data (${this.#note}) → neutral ${formatScale(1)}`,
    });
    return this.#noData;
  }

  /** The latest inflow at or above the threshold known in (asOf − expiry, asOf]. */
  #latestEvent(
    provider: ContextProvider<number>,
    asOf: number,
    latest: Observation<number> | undefined,
  ): Observation<number> | undefined {
    const after = asOf - this.#expiryMs;
    if (provider.between) {
      const points = provider.between(after, asOf);
      for (let i = points.length - 1; i >= 0; i--) {
        const point = points[i] as Observation<number>;
        if (point.value >= this.#threshold) return point;
      }
      return undefined;
    }
    if (latest !== undefined && latest.value >= this.#threshold) {
      if (this.#lastEvent === undefined || latest.time > this.#lastEvent.time) this.#lastEvent = latest;
    }
    const last = this.#lastEvent;
    return last !== undefined && last.time > after && last.time <= asOf ? last : undefined;
  }
}
