import type { StoreSession } from "./store.js";

export interface IdAllocatorOptions {
  /** Values reserved per round trip to the store. Default 100. */
  readonly block?: number;
  /** Reserve another block when this few values are left. Default a quarter of the block. */
  readonly lowWater?: number;
}

/**
 * Hands out values of a store sequence synchronously from blocks reserved ahead (`nextSequence(name, block)`),
 * so the order manager gets a client order id without waiting on the store, and still has ids for exits while
 * the store is away. Values reserved but unused before a restart are skipped, never reused.
 */
export class IdAllocator {
  readonly name: string;
  readonly #store: StoreSession;
  readonly #block: number;
  readonly #lowWater: number;
  /** Reserved ranges [next, end), oldest first. */
  readonly #ranges: [number, number][] = [];
  #refilling: Promise<void> | undefined;

  constructor(store: StoreSession, name: string, options: IdAllocatorOptions = {}) {
    this.#store = store;
    this.name = name;
    this.#block = options.block ?? 100;
    this.#lowWater = options.lowWater ?? Math.floor(this.#block / 4);
    if (!Number.isInteger(this.#block) || this.#block < 1) throw new Error("the id block must be a positive integer");
  }

  /** Values reserved and not handed out yet. */
  get remaining(): number {
    return this.#ranges.reduce((sum, [next, end]) => sum + end - next, 0);
  }

  /** Reserves the first block; call once at start-up. */
  start(): Promise<void> {
    return this.refill();
  }

  /**
   * The next value. Starts reserving another block in the background when few are left; throws when none is
   * left (the store has been away for a whole block).
   */
  next(): number {
    const range = this.#ranges[0];
    if (range === undefined) {
      throw new Error(`no ${this.name} ids left: the store could not reserve more (${this.#block} per block)`);
    }
    const value = range[0]++;
    if (range[0] >= range[1]) this.#ranges.shift();
    if (this.remaining <= this.#lowWater) this.refill().catch(() => {});
    return value;
  }

  /** Reserves another block, unless one is on its way. */
  refill(): Promise<void> {
    this.#refilling ??= this.#store
      .nextSequence(this.name, this.#block)
      .then((first) => {
        this.#ranges.push([first, first + this.#block]);
      })
      .finally(() => {
        this.#refilling = undefined;
      });
    return this.#refilling;
  }
}
