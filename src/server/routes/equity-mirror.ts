import { type Kysely, SqliteAdapter } from "kysely";
import type { Database } from "../../store/database.js";

/** The snapshots one answer stands on: the session's (`detail`), within from/to. */
export interface EquitySpan {
  readonly detail: string | undefined;
  readonly from: number | undefined;
  readonly to: number | undefined;
}

/** A point of the curve: a snapshot, with the highest equity of the snapshots it stands for. */
export interface CurvePoint {
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
  readonly peak: number;
}

/** Past this many snapshots the copy would weigh more than it saves (~32 B each): the database answers instead. */
const MIRROR_MAX = 2_000_000;

/**
 * The API's copy of one session's equity snapshots (time, equity, cash by id), topped up with the rows written since
 * the last request. The curve is then downsampled here, in one pass, instead of by a GROUP BY over every snapshot
 * per request (most of `/api/equity`'s cost: ~8 ms on 20,000 snapshots against a live session that writes one per
 * step). Only on SQLite: its writers are serialized and its AUTOINCREMENT ids never reused, so the rows committed
 * after the last one read all have a higher id; snapshots are never updated or deleted. Answers exactly what
 * `equityBucketsQuery` does (the test compares them).
 */
export class EquityMirror {
  #ids = new Float64Array(1024);
  #time = new Float64Array(1024);
  #equity = new Float64Array(1024);
  #cash = new Float64Array(1024);
  #n = 0;
  #lastId = 0;
  #refreshing: Promise<void> | undefined;

  constructor(
    readonly db: Kysely<Database>,
    readonly detail: string | undefined,
  ) {}

  /** Whether this store can be mirrored (SQLite); elsewhere the route asks the database each time. */
  static fits(db: Kysely<Database>): boolean {
    return db.getExecutor().adapter instanceof SqliteAdapter;
  }

  get length(): number {
    return this.#n;
  }

  /** Reads the snapshots written since the last call; concurrent callers share one read. */
  async refresh(): Promise<boolean> {
    this.#refreshing ??= this.#read().finally(() => {
      this.#refreshing = undefined;
    });
    await this.#refreshing;
    return this.#n <= MIRROR_MAX;
  }

  async #read(): Promise<void> {
    for (;;) {
      let q = this.db
        .selectFrom("equitySnapshots")
        .select(["id", "time", "equity", "cash"])
        .where("id", ">", this.#lastId)
        .orderBy("id")
        .limit(10_000);
      if (this.detail !== undefined) q = q.where("detail", "=", this.detail);
      const rows = await q.execute();
      for (const r of rows) this.#push(Number(r.id), Number(r.time), r.equity, r.cash);
      if (rows.length < 10_000 || this.#n > MIRROR_MAX) return;
    }
  }

  #push(id: number, time: number, equity: number, cash: number): void {
    if (this.#n === this.#ids.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#ids = grow(this.#ids);
      this.#time = grow(this.#time);
      this.#equity = grow(this.#equity);
      this.#cash = grow(this.#cash);
    }
    this.#ids[this.#n] = id;
    this.#time[this.#n] = time;
    this.#equity[this.#n] = equity;
    this.#cash[this.#n] = cash;
    this.#n++;
    this.#lastId = id;
  }

  /**
   * The curve within from/to in at most `points` points, as the route's SQL gives it: every snapshot in time order
   * when there are no more than `points`; else one point per bucket of `bucketMs` from the first snapshot (its
   * highest-id snapshot, with the bucket's highest equity as the peak), in time order.
   */
  downsample(span: EquitySpan, points: number): { rows: CurvePoint[]; snapshots: number; bucketMs: number } {
    const time = this.#time;
    const from = span.from ?? Number.NEGATIVE_INFINITY;
    const to = span.to ?? Number.POSITIVE_INFINITY;
    let snapshots = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.#n; i++) {
      const t = time[i] as number;
      if (t < from || t > to) continue;
      snapshots++;
      if (t < first) first = t;
      if (t > last) last = t;
    }
    if (snapshots === 0) return { rows: [], snapshots, bucketMs: 0 };
    const point = (i: number, peak: number): CurvePoint => ({
      time: time[i] as number,
      equity: this.#equity[i] as number,
      cash: this.#cash[i] as number,
      peak,
    });
    const byTime = (a: CurvePoint, b: CurvePoint) => a.time - b.time;
    if (snapshots <= points) {
      const rows: CurvePoint[] = [];
      for (let i = 0; i < this.#n; i++) {
        const t = time[i] as number;
        if (t >= from && t <= to) rows.push(point(i, this.#equity[i] as number));
      }
      return { rows: rows.sort(byTime), snapshots, bucketMs: 0 };
    }
    const bucketMs = Math.max(1, Math.ceil((last - first + 1) / points));
    // Bucket b = (time - first) / bucketMs < points: one slot each for its highest-id snapshot and highest equity.
    const lastOf = new Int32Array(points).fill(-1);
    const peakOf = new Float64Array(points);
    for (let i = 0; i < this.#n; i++) {
      const t = time[i] as number;
      if (t < from || t > to) continue;
      const b = Math.floor((t - first) / bucketMs);
      const equity = this.#equity[i] as number;
      const seen = lastOf[b] as number;
      if (seen < 0) {
        lastOf[b] = i;
        peakOf[b] = equity;
      } else {
        if ((this.#ids[i] as number) > (this.#ids[seen] as number)) lastOf[b] = i;
        if (equity > (peakOf[b] as number)) peakOf[b] = equity;
      }
    }
    const rows: CurvePoint[] = [];
    for (let b = 0; b < points; b++) {
      const i = lastOf[b] as number;
      if (i >= 0) rows.push(point(i, peakOf[b] as number));
    }
    return { rows: rows.sort(byTime), snapshots, bucketMs };
  }
}
