/**
 * The last closes of every symbol the engine steps, kept as log returns stamped with their bar's time, and the
 * correlation of two symbols' returns over the bars they share. Fed one closed bar at a time, so a correlation read
 * at a decision uses only bars closed by then (point-in-time by construction).
 */
export class ReturnHistory {
  readonly #window: number;
  readonly #bySymbol = new Map<string, Ring>();

  /** `window`: returns a correlation is computed over; each symbol keeps twice that, so gaps can be skipped. */
  constructor(window: number) {
    this.#window = window;
  }

  /** Records the close of a bar that has just closed; a bar seen again (same or earlier time) is ignored. */
  record(symbol: string, time: number, close: number): void {
    let ring = this.#bySymbol.get(symbol);
    if (ring === undefined) {
      ring = new Ring(2 * this.#window);
      this.#bySymbol.set(symbol, ring);
    }
    if (!(time > ring.lastTime)) return;
    if (ring.lastClose > 0 && close > 0) ring.push(time, Math.log(close / ring.lastClose));
    ring.lastTime = time;
    ring.lastClose = close;
  }

  /**
   * Pearson correlation of the two symbols' returns over the last `window` bar times both have a return for, or
   * undefined while they share fewer than half a window (too little to say) or either is constant.
   */
  correlation(a: string, b: string): number | undefined {
    const x = this.#bySymbol.get(a);
    const y = this.#bySymbol.get(b);
    if (x === undefined || y === undefined) return undefined;
    // Walk both rings from the newest return back, pairing equal times.
    let i = x.count - 1;
    let j = y.count - 1;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    while (i >= 0 && j >= 0 && n < this.#window) {
      const tx = x.timeAt(i);
      const ty = y.timeAt(j);
      if (tx > ty) i--;
      else if (ty > tx) j--;
      else {
        const rx = x.returnAt(i);
        const ry = y.returnAt(j);
        sx += rx;
        sy += ry;
        sxx += rx * rx;
        syy += ry * ry;
        sxy += rx * ry;
        n++;
        i--;
        j--;
      }
    }
    if (n < Math.ceil(this.#window / 2)) return undefined;
    const cov = sxy - (sx * sy) / n;
    const vx = sxx - (sx * sx) / n;
    const vy = syy - (sy * sy) / n;
    if (!(vx > 0 && vy > 0)) return undefined;
    return Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy)));
  }
}

/** A fixed-size ring of (time, return), oldest first through `timeAt(0)`. */
class Ring {
  readonly #times: Float64Array;
  readonly #returns: Float64Array;
  #start = 0;
  count = 0;
  lastTime = Number.NEGATIVE_INFINITY;
  lastClose = Number.NaN;

  constructor(capacity: number) {
    this.#times = new Float64Array(capacity);
    this.#returns = new Float64Array(capacity);
  }

  push(time: number, value: number): void {
    const capacity = this.#times.length;
    const at = (this.#start + this.count) % capacity;
    this.#times[at] = time;
    this.#returns[at] = value;
    if (this.count < capacity) this.count++;
    else this.#start = (this.#start + 1) % capacity;
  }

  timeAt(k: number): number {
    return this.#times[(this.#start + k) % this.#times.length] as number;
  }

  returnAt(k: number): number {
    return this.#returns[(this.#start + k) % this.#times.length] as number;
  }
}
