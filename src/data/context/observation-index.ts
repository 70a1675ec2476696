import type { ContextObservationLog, ContextObservationRecord } from "./observation-log.js";

/** One point of a context series (the shape of risk's `Observation`): its value and the instant it was known. */
export interface SeenObservation<T> {
  readonly value: T;
  readonly time: number;
}

/**
 * The records of one source in the order they became known (seenAt, then the source's own time), for point-in-time
 * lookups. A live provider and a replay from the store fill the same index from the same records, so a backtest
 * sees exactly what the live session saw at each instant.
 */
export class ObservationIndex {
  readonly source: string;
  readonly #records: ContextObservationRecord[] = [];
  readonly #keys = new Set<string>();
  /** prefix[i]: index of the record with the latest eventTime among 0..i; rebuilt after an add. */
  #prefix: Int32Array | undefined;

  constructor(source: string) {
    this.source = source;
  }

  get size(): number {
    return this.#records.length;
  }

  has(itemKey: string): boolean {
    return this.#keys.has(itemKey);
  }

  /** Adds records not yet known (by itemKey); resolves to those that were new, in index order. */
  add(records: readonly ContextObservationRecord[]): ContextObservationRecord[] {
    const fresh = records.filter((r) => {
      if (r.source !== this.source || this.#keys.has(r.itemKey)) return false;
      this.#keys.add(r.itemKey);
      return true;
    });
    this.#prefix = undefined;
    const start = this.#records.length;
    this.#records.push(...fresh);
    for (let i = Math.max(1, start); i < this.#records.length; i++) {
      if (compare(this.#records[i - 1] as ContextObservationRecord, this.#records[i] as ContextObservationRecord) > 0) {
        this.#records.sort(compare);
        break;
      }
    }
    return fresh;
  }

  /** Fills the index from the log (a restart, or a replay), through `through` when given. */
  async load(log: ContextObservationLog, through?: number): Promise<void> {
    this.add(await log.list(this.source, through));
  }

  /** The last record known at `time` (seenAt ≤ time), or undefined. */
  latest(time: number): ContextObservationRecord | undefined {
    return this.#records[this.#lastAtOrBefore(time)];
  }

  /**
   * Among the records known at `time`, the one about the latest instant (eventTime): a poll that later fills in
   * older days must not replace the newest day already known.
   */
  newest(time: number): ContextObservationRecord | undefined {
    const last = this.#lastAtOrBefore(time);
    if (last < 0) return undefined;
    if (this.#prefix === undefined) {
      const prefix = new Int32Array(this.#records.length);
      let best = 0;
      for (let i = 0; i < this.#records.length; i++) {
        const event = (r: number) =>
          (this.#records[r] as ContextObservationRecord).eventTime ?? Number.NEGATIVE_INFINITY;
        if (event(i) >= event(best)) best = i;
        prefix[i] = best;
      }
      this.#prefix = prefix;
    }
    return this.#records[this.#prefix[last] as number];
  }

  /** Records known in (after, through], oldest first. */
  between(after: number, through: number): ContextObservationRecord[] {
    return this.#records.slice(this.#lastAtOrBefore(after) + 1, this.#lastAtOrBefore(through) + 1);
  }

  first(): ContextObservationRecord | undefined {
    return this.#records[0];
  }

  #lastAtOrBefore(time: number): number {
    let lo = 0;
    let hi = this.#records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#records[mid] as ContextObservationRecord).seenAt <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

function compare(a: ContextObservationRecord, b: ContextObservationRecord): number {
  return a.seenAt - b.seenAt || (a.eventTime ?? 0) - (b.eventTime ?? 0);
}

/** What one poll of a source did: new items, and every problem named (a failing feed never hides the others). */
export interface PollReport {
  readonly source: string;
  readonly added: number;
  readonly errors: readonly string[];
  readonly skipped: readonly string[];
}

export function formatInstantUtc(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
