/**
 * Prints the status block: redrawn in place on a terminal (at most every 250 ms), appended on a pipe or a log file
 * (every 10 s, and whenever a trade closed) so that a log stays readable.
 */
export class StatusDisplay {
  readonly #out: NodeJS.WriteStream;
  #lines = 0;
  #last = 0;
  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }
  show(text: string, important: boolean): void {
    const now = Date.now();
    const tty = this.#out.isTTY === true;
    if (now - this.#last < (tty ? 250 : 10_000) && !important) return;
    this.#last = now;
    if (tty && this.#lines > 0) this.#out.write(`\x1b[${this.#lines}A\x1b[J`);
    this.#out.write(`${text}\n`);
    this.#lines = tty ? text.split("\n").length : 0;
  }
  /** Later output goes below the block instead of over it. */
  release(): void {
    this.#lines = 0;
  }
}
