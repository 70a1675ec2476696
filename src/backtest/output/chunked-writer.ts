import { closeSync, openSync, writeSync } from "node:fs";

/** Bytes gathered before one write: large enough that system calls are rare, small enough to stay cheap. */
const BUFFER_BYTES = 1 << 22;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Writes a file in pieces of about 4 MB instead of building it whole: a 4 M-bar run's equity.csv or
 * decisions.jsonl is hundreds of MB, and one string of that size (plus the array of lines joined into it) cost
 * more time in allocation and garbage collection than in formatting. Each piece of text is encoded straight into
 * one reused buffer, so a flush allocates nothing (writing a string made Node encode it into a new buffer first).
 */
export class ChunkedWriter {
  readonly #fd: number;
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  #used = 0;

  constructor(path: string) {
    this.#fd = openSync(path, "w");
  }

  write(text: string): void {
    const worst = text.length * MAX_BYTES_PER_UNIT;
    if (worst > BUFFER_BYTES - this.#used) {
      this.#flush();
      if (worst > BUFFER_BYTES) {
        this.#writeAll(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.#used += this.#buffer.write(text, this.#used, "utf8");
  }

  /**
   * Writes text known to be mostly ASCII byte by byte (no call into the encoder: a 4 M-row equity.csv is millions
   * of short pieces); any other character sends the whole piece through `write`.
   */
  writeAscii(text: string): void {
    if (text.length > BUFFER_BYTES - this.#used) this.#flush();
    const start = this.#used;
    const buffer = this.#buffer;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f || start + i >= BUFFER_BYTES) {
        this.#used = start;
        this.write(text);
        return;
      }
      buffer[start + i] = code;
    }
    this.#used = start + text.length;
  }

  /** Writes `String(value)` of a number; the digits of a safe integer (a timestamp) without making the string. */
  writeNumber(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      this.writeAscii(String(value));
      return;
    }
    if (BUFFER_BYTES - this.#used < 16) this.#flush();
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.#used + digits - 1;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      this.#buffer[at--] = 48 + (rest - next * 10);
      rest = next;
    } while (rest > 0);
    this.#used += digits;
  }

  close(): void {
    try {
      this.#flush();
    } finally {
      closeSync(this.#fd);
    }
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#writeAll(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  /** writeSync may write less than asked (a full disk, a signal): go on until every byte is out. */
  #writeAll(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.#fd, bytes, done, bytes.length - done);
  }
}

/** Writes `path` through a ChunkedWriter, closing the file even when `fill` throws. */
export function writeInChunks(path: string, fill: (write: (text: string) => void) => void): void {
  withChunkedWriter(path, (writer) => fill((text) => writer.write(text)));
}

/** Gives `fill` a ChunkedWriter on `path` (for its byte-level methods), closing the file even when `fill` throws. */
export function withChunkedWriter(path: string, fill: (writer: ChunkedWriter) => void): void {
  const writer = new ChunkedWriter(path);
  try {
    fill(writer);
  } finally {
    writer.close();
  }
}
