import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface BlacklistEntry {
  readonly reason: string;
  /** When it was blacklisted (Unix ms). */
  readonly time: number;
  readonly name?: string;
}

/**
 * Spec hashes that failed a validation gate, with why. A search given this list never proposes them again. Kept as
 * a small JSON file ({ "<hash>": { reason, time, name } }) so that it survives across runs without a store.
 */
export class Blacklist {
  readonly #entries = new Map<string, BlacklistEntry>();

  static load(path: string): Blacklist {
    const list = new Blacklist();
    if (!existsSync(path)) return list;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new Error(`blacklist ${path}: not valid JSON (${(error as Error).message})`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error(`blacklist ${path}: expected an object of { "<spec hash>": { reason, time } }`);
    for (const [hash, entry] of Object.entries(parsed as Record<string, BlacklistEntry>)) {
      if (!/^[0-9a-f]{64}$/.test(hash) || typeof entry?.reason !== "string")
        throw new Error(`blacklist ${path}: entry "${hash}" is not { reason, time } under a sha256 spec hash`);
      list.#entries.set(hash, entry);
    }
    return list;
  }

  add(hash: string, entry: BlacklistEntry): void {
    this.#entries.set(hash, entry);
  }

  has(hash: string): boolean {
    return this.#entries.has(hash);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Hash → reason, what the evolver takes. */
  reasons(): Map<string, string> {
    return new Map([...this.#entries].map(([hash, e]) => [hash, e.reason]));
  }

  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(Object.fromEntries(this.#entries), null, 2)}\n`);
  }
}
