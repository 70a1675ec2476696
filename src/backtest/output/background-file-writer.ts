import { close, open, write } from "node:fs";

/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * A file written in buffers of a few MB whose system calls run on libuv's thread pool while the caller encodes the
 * next buffer. A 4 M-bar run's decisions.jsonl is 245 MB: its synchronous writes were ~0.45 s of the main thread's
 * time (the kernel copying into the page cache), on the path that ends the command. Two buffers take turns: the
 * caller awaits only when both are full, i.e. when the disk is the slower side.
 */
export class BackgroundFileWriter {
  readonly #fd: number;
  readonly #buffers: [Buffer, Buffer];
  #current = 0;
  #used = 0;
  /** The write of the other buffer, while it runs. */
  #pending: Promise<void> | undefined;
  #failed: unknown;

  private constructor(fd: number, bufferBytes: number) {
    this.#fd = fd;
    this.#buffers = [Buffer.allocUnsafe(bufferBytes), Buffer.allocUnsafe(bufferBytes)];
  }

  static async open(path: string, bufferBytes = 1 << 22): Promise<BackgroundFileWriter> {
    const fd = await new Promise<number>((resolve, reject) =>
      open(path, "w", (error, fd) => (error ? reject(error) : resolve(fd))),
    );
    return new BackgroundFileWriter(fd, bufferBytes);
  }

  /**
   * Adds `text`. Returns a promise when the caller must wait before the next write (the filled buffer went to the
   * disk while the other one is still being written), otherwise undefined: most calls cost no promise.
   */
  write(text: string): Promise<void> | undefined {
    const buffer = this.#buffers[this.#current] as Buffer;
    const worst = text.length * MAX_BYTES_PER_UNIT;
    if (worst <= buffer.length - this.#used) {
      this.#used += buffer.write(text, this.#used, "utf8");
      return undefined;
    }
    return this.#writeAfterFlush(text);
  }

  /** Writes what is left and closes the file, also after a failure (which it then throws). */
  async close(): Promise<void> {
    try {
      await this.#flush();
      await this.#pending;
      if (this.#failed !== undefined) throw this.#failed;
    } finally {
      await new Promise<void>((resolve, reject) => close(this.#fd, (error) => (error ? reject(error) : resolve())));
    }
  }

  async #writeAfterFlush(text: string): Promise<void> {
    await this.#flush();
    const buffer = this.#buffers[this.#current] as Buffer;
    if (text.length * MAX_BYTES_PER_UNIT > buffer.length) {
      await this.#pending;
      await this.#writeAll(Buffer.from(text, "utf8"));
      return;
    }
    this.#used += buffer.write(text, this.#used, "utf8");
  }

  /** Sends the current buffer to the disk once the previous write is done, and switches to the other buffer. */
  async #flush(): Promise<void> {
    await this.#pending;
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#used === 0) return;
    const bytes = (this.#buffers[this.#current] as Buffer).subarray(0, this.#used);
    this.#pending = this.#writeAll(bytes).catch((error: unknown) => {
      this.#failed ??= error;
    });
    this.#current = 1 - this.#current;
    this.#used = 0;
  }

  /** fs.write may write less than asked (a full disk, a signal): go on until every byte is out. */
  async #writeAll(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      done += await new Promise<number>((resolve, reject) =>
        write(this.#fd, bytes, done, bytes.length - done, null, (error, written) =>
          error ? reject(error) : resolve(written),
        ),
      );
    }
  }
}

/** Writes `path` through a BackgroundFileWriter, closing the file even when `fill` throws. */
export async function writeInBackground(
  path: string,
  fill: (write: (text: string) => Promise<void> | undefined) => Promise<void>,
  bufferBytes?: number,
): Promise<void> {
  const writer = await BackgroundFileWriter.open(path, bufferBytes);
  try {
    await fill((text) => writer.write(text));
  } finally {
    await writer.close();
  }
}
