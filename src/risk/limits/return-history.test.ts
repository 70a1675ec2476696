import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { ReturnHistory } from "./return-history.js";

const HOUR = 3_600_000;

/** Feeds `closes` of each symbol, one bar an hour, starting at hour `from` (so symbols may start apart). */
function feed(history: ReturnHistory, symbol: string, closes: readonly number[], from = 0): void {
  for (let i = 0; i < closes.length; i++) history.record(symbol, (from + i) * HOUR, closes[i] as number);
}

/** A random walk from 100 with normal log returns of σ 1 %, seeded. */
function walk(seed: number, length: number): number[] {
  const random = createRandom(seed);
  const closes = [100];
  for (let i = 1; i < length; i++) closes.push((closes[i - 1] as number) * Math.exp(random.normal(0, 0.01)));
  return closes;
}

describe("ReturnHistory", () => {
  it("measures +1 for the same returns at another price level and −1 for mirrored returns", () => {
    const history = new ReturnHistory(20);
    const a = walk(1, 30);
    feed(history, "A", a);
    feed(
      history,
      "B",
      a.map((c) => c * 37),
    );
    feed(
      history,
      "C",
      a.map((c) => 10_000 / c),
    );
    expect(history.correlation("A", "B")).toBeCloseTo(1, 12);
    expect(history.correlation("A", "C")).toBeCloseTo(-1, 12);
  });

  it("matches a direct Pearson computation over the last window of shared bar times", () => {
    const history = new ReturnHistory(20);
    const a = walk(2, 60);
    const b = walk(3, 60);
    feed(history, "A", a);
    feed(history, "B", b);
    const r = (xs: number[]) =>
      xs
        .slice(1)
        .map((x, i) => Math.log(x / (xs[i] as number)))
        .slice(-20);
    const [x, y] = [r(a), r(b)];
    const mean = (v: number[]) => v.reduce((s, e) => s + e, 0) / v.length;
    const [mx, my] = [mean(x), mean(y)];
    const cov = x.reduce((s, e, i) => s + (e - mx) * ((y[i] as number) - my), 0);
    const vx = x.reduce((s, e) => s + (e - mx) ** 2, 0);
    const vy = y.reduce((s, e) => s + (e - my) ** 2, 0);
    expect(history.correlation("A", "B")).toBeCloseTo(cov / Math.sqrt(vx * vy), 10);
  });

  it("knows nothing while two symbols share less than half a window, or for an unknown symbol", () => {
    const history = new ReturnHistory(20);
    feed(history, "A", walk(4, 40));
    feed(history, "B", walk(5, 40), 31); // shares 9 hours with A: 8 common returns < 10
    expect(history.correlation("A", "B")).toBeUndefined();
    expect(history.correlation("A", "X")).toBeUndefined();
    feed(history, "C", walk(6, 40), 25); // 15 hours in common: 14 returns
    expect(history.correlation("A", "C")).toBeTypeOf("number");
  });
});
