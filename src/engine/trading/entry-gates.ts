import type { ClientVenue } from "../../execution/venue/client-venue.js";

/**
 * Why a session opens no new position now: a person's pause, a store that is away, a position that differs from
 * the venue's, an entry still waiting for the venue's answer. Exits, stops and take-profits are never gated.
 */
export class EntryGates {
  #paused: { by: string; reason: string } | undefined;
  /** Symbols whose stored position differs from the venue's (reconciliation): no new entries. */
  readonly blockedSymbols = new Map<string, string>();
  /** Why the store cannot take steps, while it cannot. */
  readonly #storeProblem: () => string | undefined;
  readonly #venue: () => ClientVenue | undefined;

  constructor(storeProblem: () => string | undefined, venue: () => ClientVenue | undefined) {
    this.#storeProblem = storeProblem;
    this.#venue = venue;
  }

  get paused(): { readonly by: string; readonly reason: string } | undefined {
    return this.#paused;
  }

  /** False if already paused. */
  pause(by: string, reason: string): boolean {
    if (this.#paused) return false;
    this.#paused = { by, reason };
    return true;
  }

  /** False if not paused. */
  resume(): boolean {
    if (!this.#paused) return false;
    this.#paused = undefined;
    return true;
  }

  /** Why new entries are not allowed now for `symbol`, if they are not. */
  check(symbol: string): { layer: string; reason: string } | undefined {
    if (this.#paused) return { layer: "paused", reason: `paused by ${this.#paused.by}: ${this.#paused.reason}` };
    const store = this.#storeProblem();
    if (store !== undefined) return { layer: "store", reason: store };
    const mismatch = this.blockedSymbols.get(symbol);
    if (mismatch !== undefined) return { layer: "reconciliation", reason: mismatch };
    // A real venue answers later: while an entry for this symbol waits for its answer, a second one would
    // double the position (the strategy still sees it flat).
    const waiting = this.#venue()
      ?.openOrders(symbol)
      .find((order) => !order.reduceOnly);
    return waiting === undefined
      ? undefined
      : { layer: "venue", reason: `entry ${waiting.clientOrderId} for ${symbol} still waits for the venue` };
  }
}
