/**
 * What a context provider saw, with the instant it saw it. A backtest replays these by `seenAt`, never by the
 * source's own timestamp: a fear-and-greed value stamped 00:00 but published at 00:05 and fetched at 00:10 was not
 * known at 00:01, and only `seenAt` says so.
 */
export interface ContextObservationRecord {
  /** The provider ("news", "sentiment", "fear-greed", "whale", "macro:SPY" …). */
  readonly source: string;
  /** Identity of the item inside its source (a headline's guid, a transaction hash, a day), for deduplication. */
  readonly itemKey: string;
  /** Unix ms at which Aegis first saw it (the provider's clock). */
  readonly seenAt: number;
  /** The source's own timestamp of the item (publication, block time, index day), when it has one. */
  readonly eventTime?: number;
  /** The item as parsed (JSON-serialisable). */
  readonly value: unknown;
}

/**
 * Where providers keep what they saw. The store implements it (`ContextObservationsRepository`, migration 006);
 * `MemoryObservationLog` serves tests and sessions without a store. `record` ignores an item already recorded for
 * its source (same `itemKey`) so that polling the same feed twice stores nothing twice and keeps the first `seenAt`.
 */
export interface ContextObservationLog {
  /** Resolves to the number of records that were new. */
  record(records: readonly ContextObservationRecord[]): Promise<number>;
  /** Every record of `source` seen at or before `through` (default: all), oldest `seenAt` first. */
  list(source: string, through?: number): Promise<readonly ContextObservationRecord[]>;
  /** The sources that have at least one record. */
  sources(): Promise<readonly string[]>;
}

export class MemoryObservationLog implements ContextObservationLog {
  readonly #records: ContextObservationRecord[] = [];
  readonly #keys = new Set<string>();

  async record(records: readonly ContextObservationRecord[]): Promise<number> {
    let added = 0;
    for (const record of records) {
      const key = `${record.source}\u0000${record.itemKey}`;
      if (this.#keys.has(key)) continue;
      this.#keys.add(key);
      this.#records.push(record);
      added++;
    }
    return added;
  }

  async list(source: string, through = Number.POSITIVE_INFINITY): Promise<readonly ContextObservationRecord[]> {
    return this.#records.filter((r) => r.source === source && r.seenAt <= through).sort((a, b) => a.seenAt - b.seenAt);
  }

  async sources(): Promise<readonly string[]> {
    return [...new Set(this.#records.map((r) => r.source))].sort();
  }
}
