import { closeSync, openSync, writeSync } from "node:fs";

/** Characters gathered before one write: large enough that system calls are rare, small enough to stay cheap. */
const FLUSH_AT = 1 << 20;

/**
 * Writes a file in pieces of about 1 MB instead of building it whole: a 4 M-bar run's equity.csv or
 * decisions.jsonl is hundreds of MB, and one string of that size (plus the array of lines joined into it) cost
 * more time in allocation and garbage collection than in formatting.
 */
export class ChunkedWriter {
  readonly #fd: number;
  #pending = "";

  constructor(path: string) {
    this.#fd = openSync(path, "w");
  }

  write(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= FLUSH_AT) this.#flush();
  }

  close(): void {
    try {
      this.#flush();
    } finally {
      closeSync(this.#fd);
    }
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    writeSync(this.#fd, this.#pending);
    this.#pending = "";
  }
}

/** Writes `path` through a ChunkedWriter, closing the file even when `fill` throws. */
export function writeInChunks(path: string, fill: (write: (text: string) => void) => void): void {
  const writer = new ChunkedWriter(path);
  try {
    fill((text) => writer.write(text));
  } finally {
    writer.close();
  }
}
