import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import type { StepRecord } from "./session-store.js";

/**
 * Steps the store could not take, kept in a local file (JSON lines, fsync'd) until it is back: PostgreSQL down, a
 * full disk, a locked database. A restart finds them here and commits them before anything else, so nothing a
 * step recorded is lost to an outage, not even across a crash during one.
 */
export class StepSpool {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** The spooled steps, oldest first; a torn last line (a crash while writing it) is ignored. */
  read(): StepRecord[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    const records: StepRecord[] = [];
    for (const [i, line] of lines.entries()) {
      try {
        records.push(JSON.parse(line) as StepRecord);
      } catch (error) {
        if (i < lines.length - 1)
          throw new Error(`spool ${this.path}: line ${i + 1} is corrupt (${(error as Error).message})`, {
            cause: error,
          });
      }
    }
    return records;
  }

  /** Replaces the spool's content with `records`, durably (write a new file, fsync, rename over). */
  write(records: readonly StepRecord[]): void {
    if (records.length === 0) {
      rmSync(this.path, { force: true });
      return;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const next = `${this.path}.next`;
    const fd = openSync(next, "w");
    try {
      for (const r of records) writeSync(fd, `${JSON.stringify(r)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(next, this.path);
  }
}
