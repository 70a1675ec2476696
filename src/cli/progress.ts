/**
 * A one-line progress bar on standard error, shown only on a terminal so logs and pipes stay clean.
 * Kept tiny on purpose: it is redrawn at most ten times a second and costs nothing when hidden.
 */
export class ProgressBar {
  readonly #enabled: boolean;
  readonly #label: string;
  #lastDraw = 0;
  #started = performance.now();
  #drawn = false;

  constructor(label: string, enabled: boolean) {
    this.#label = label;
    this.#enabled = enabled && process.stderr.isTTY === true;
  }

  update(done: number, total: number, detail = ""): void {
    if (!this.#enabled) return;
    const now = performance.now();
    if (done < total && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    this.#drawn = true;
    const width = 30;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const seconds = ((now - this.#started) / 1000).toFixed(1);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    process.stderr.write(
      `\r${this.#label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${seconds}s ${detail}\x1b[K`,
    );
  }

  done(): void {
    if (this.#drawn) process.stderr.write("\n");
    this.#drawn = false;
  }
}
