import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

export interface SpoolEntry {
  readonly op: string;
  readonly args: readonly unknown[];
  /** Wall-clock time it was spooled, for the record. */
  readonly at: number;
}

/**
 * An append-only JSONL file of writes the store could not take, each fsync'd before `append` returns, and a
 * sidecar `<path>.done` holding how many entries have been replayed, so a crash during replay resumes after the
 * last entry that landed instead of applying them all again.
 */
export class Spool {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
  }

  get #donePath(): string {
    return `${this.path}.done`;
  }

  /** Entries not replayed yet, oldest first. A torn last line (a crash mid-append) is ignored: it never returned. */
  pending(): SpoolEntry[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, "utf8").split("\n");
    const entries: SpoolEntry[] = [];
    for (const [index, line] of lines.entries()) {
      if (line === "") continue;
      try {
        entries.push(JSON.parse(line) as SpoolEntry);
      } catch (error) {
        if (index === lines.length - 1) break;
        throw new Error(`the store spool ${this.path} is corrupt at line ${index + 1}: ${(error as Error).message}`);
      }
    }
    return entries.slice(this.#done());
  }

  append(entry: SpoolEntry): void {
    this.#fd ??= openSync(this.path, "a");
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
  }

  /** Records that `count` more entries have landed in the store. */
  markDone(count: number): void {
    const fd = openSync(this.#donePath, "w");
    try {
      writeSync(fd, String(this.#done() + count));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Empties the spool once every entry has landed. */
  clear(): void {
    this.close();
    rmSync(this.path, { force: true });
    rmSync(this.#donePath, { force: true });
  }

  /** Appends an entry the store refused (not for being down) to `<path>.rejected`, for a person to look at. */
  reject(entry: SpoolEntry, error: Error): void {
    writeFileSync(`${this.path}.rejected`, `${JSON.stringify({ ...entry, error: error.message })}\n`, { flag: "a" });
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #done(): number {
    return existsSync(this.#donePath) ? Number(readFileSync(this.#donePath, "utf8")) || 0 : 0;
  }
}
