import { type Db, fromJson, type TimeRange, toJson } from "./shared.js";

/** One line of the append-only audit log. */
export interface AuditEvent {
  readonly time: number;
  /** Dotted name, e.g. `kill-switch.set`, `order.rejected`, `reconcile.adopted`. */
  readonly kind: string;
  /** Who wrote it: `risk`, `engine`, `order-manager`, `reconcile`, `operator` … */
  readonly source: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface AuditEventRecord extends AuditEvent {
  readonly id: number;
}

export interface EventQuery extends TimeRange {
  readonly source?: string;
  readonly kind?: string;
}

export class EventsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Appends an event and resolves to its id; the database refuses UPDATE and DELETE on this table. */
  async append(event: AuditEvent): Promise<number> {
    const row = await this.#db
      .insertInto("events")
      .values({ time: event.time, kind: event.kind, source: event.source, detail: toJson(event.detail) })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Events in the order they were appended. */
  async list(query: EventQuery = {}): Promise<AuditEventRecord[]> {
    let select = this.#db.selectFrom("events").selectAll();
    if (query.source !== undefined) select = select.where("source", "=", query.source);
    if (query.kind !== undefined) select = select.where("kind", "=", query.kind);
    if (query.from !== undefined) select = select.where("time", ">=", query.from);
    if (query.to !== undefined) select = select.where("time", "<=", query.to);
    const rows = await select.orderBy("id").execute();
    return rows.map((row) => ({
      id: row.id,
      time: row.time,
      kind: row.kind,
      source: row.source,
      detail: fromJson<Record<string, unknown>>(row.detail) ?? {},
    }));
  }
}
