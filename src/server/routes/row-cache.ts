import type { FastifyReply } from "fastify";

/**
 * What a read route made of a stored row that never changes once written (decisions are insert-only): kept by the
 * row's id, so a page asked again after a step only renders its new rows. `stamp` is a column the route reads with
 * the id (the decision's time): an entry whose stamp differs is not the same row (a store replaced under a running
 * `aegis serve`) and is made again. Least recently used entries go first past `max`.
 */
export class RowCache<V> {
  readonly #entries = new Map<number, { stamp: number; value: V }>();
  constructor(readonly max: number) {}

  get(id: number, stamp: number): V | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.stamp !== stamp) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    return entry.value;
  }

  set(id: number, stamp: number, value: V): void {
    this.#entries.delete(id);
    this.#entries.set(id, { stamp, value });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.max) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

const COMMA = Buffer.from(",");

/**
 * `{"<key>":[<items>]<tail>` as one buffer, `tail` being the rest of the object (`,"more":true}`). Kept rows are
 * UTF-8 already: copying them is all the answer costs, where joining their text and encoding it again cost more
 * than the query (a page of decisions is ~300 kB).
 */
export function jsonObject(key: string, items: readonly Buffer[], tail: string): Buffer {
  const chunks: Buffer[] = [Buffer.from(`{${JSON.stringify(key)}:[`)];
  items.forEach((item, i) => {
    if (i > 0) chunks.push(COMMA);
    chunks.push(item);
  });
  chunks.push(Buffer.from(`]${tail}`));
  return Buffer.concat(chunks);
}

/** JSON bytes made by the route, answered as Fastify answers an object (same content type). */
export function sendJson(reply: FastifyReply, body: Buffer): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(body);
}
