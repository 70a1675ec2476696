import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  betweenBits,
  type Comparison,
  combineBits,
  compareBits,
  compareConstantBits,
  crossAboveBits,
  newBits,
  nextSetBit,
  notBits,
  packBits,
  unpackBits,
  wordsFor,
} from "./bitset.js";

const SETTINGS = { seed: 20261204, numRuns: 200 };

/** Columns with NaN warm-ups and repeated values, as indicators have (so equality and NaN cases come up). */
const column = (length: number) =>
  fc.array(fc.oneof(fc.constant(Number.NaN), fc.integer({ min: -3, max: 3 }), fc.double({ min: -4, max: 4 })), {
    minLength: length,
    maxLength: length,
  });
const twoColumns = fc
  .integer({ min: 0, max: 130 })
  .chain((n) => fc.tuple(column(n), column(n)).map(([a, b]) => [Float64Array.from(a), Float64Array.from(b)] as const));
const mask = fc.array(fc.boolean(), { maxLength: 130 });

const plain: Record<Comparison, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

/** No bit at or past `length` is set: a combined column must never signal past the end. */
function paddingIsClear(bits: Uint32Array, length: number): boolean {
  for (let i = length; i < bits.length * 32; i++) if ((bits[i >>> 5]! >>> (i & 31)) & 1) return false;
  return true;
}

describe("condition bitsets against the plain 0/1 columns", () => {
  it("compare a column with a constant and with another column, NaN comparing false", () => {
    fc.assert(
      fc.property(twoColumns, fc.constantFrom<Comparison>("gt", "gte", "lt", "lte"), ([x, y], op) => {
        const n = x.length;
        const withConstant = newBits(n);
        compareConstantBits(withConstant, x, 1, op, n);
        expect(Array.from(unpackBits(withConstant, n))).toEqual(Array.from(x, (v) => (plain[op](v, 1) ? 1 : 0)));
        const withColumn = newBits(n);
        compareBits(withColumn, x, y, op, n);
        expect(Array.from(unpackBits(withColumn, n))).toEqual(Array.from(x, (v, i) => (plain[op](v, y[i]!) ? 1 : 0)));
        expect(paddingIsClear(withConstant, n) && paddingIsClear(withColumn, n)).toBe(true);
      }),
      SETTINGS,
    );
  });

  it("between and crossAbove as the per-bar definitions", () => {
    fc.assert(
      fc.property(twoColumns, ([a, b]) => {
        const n = a.length;
        const lo = b.map((v) => v - 1);
        const between = newBits(n);
        betweenBits(between, a, lo, b, n);
        expect(Array.from(unpackBits(between, n))).toEqual(
          Array.from(a, (v, i) => (v >= lo[i]! && v <= b[i]! ? 1 : 0)),
        );
        const cross = newBits(n);
        crossAboveBits(cross, a, b, n);
        expect(Array.from(unpackBits(cross, n))).toEqual(
          Array.from(a, (v, i) => (i > 0 && v > b[i]! && a[i - 1]! <= b[i - 1]! ? 1 : 0)),
        );
      }),
      SETTINGS,
    );
  });

  it("not, all and any bar by bar, leaving the bits past the end clear", () => {
    fc.assert(
      fc.property(mask, fc.array(fc.boolean(), { maxLength: 130 }), (a, other) => {
        const n = a.length;
        const b = Array.from({ length: n }, (_, i) => other[i] ?? false);
        const inverted = newBits(n);
        notBits(inverted, packBits(a), n);
        expect(Array.from(unpackBits(inverted, n))).toEqual(a.map((v) => (v ? 0 : 1)));
        expect(paddingIsClear(inverted, n)).toBe(true);
        const all = packBits(a);
        combineBits(all, packBits(b), true);
        expect(Array.from(unpackBits(all, n))).toEqual(a.map((v, i) => (v && b[i] ? 1 : 0)));
        const any = packBits(a);
        combineBits(any, packBits(b), false);
        expect(Array.from(unpackBits(any, n))).toEqual(a.map((v, i) => (v || b[i] ? 1 : 0)));
      }),
      SETTINGS,
    );
  });

  it("nextSetBit finds the first bar in [from, to) set in either column, or to", () => {
    fc.assert(
      fc.property(mask, mask, fc.nat(140), fc.nat(140), (a, b, x, y) => {
        const n = Math.max(a.length, b.length);
        const [from, to] = [Math.min(x, y, n), Math.min(Math.max(x, y), n)];
        let expected = to;
        for (let i = from; i < to; i++)
          if (a[i] || b[i]) {
            expected = i;
            break;
          }
        expect(nextSetBit(packBits(a), packBits(b), from, to)).toBe(expected);
      }),
      SETTINGS,
    );
    expect(nextSetBit(packBits([true]), new Uint32Array(0), 0, 1)).toBe(0);
  });

  it("hands out zeroed bitsets of the right size that do not overlap", () => {
    const a = newBits(100);
    const b = newBits(100);
    expect(a.length).toBe(wordsFor(100));
    expect(Array.from(b).every((w) => w === 0)).toBe(true);
    a.fill(0xffffffff);
    expect(Array.from(b).every((w) => w === 0)).toBe(true);
  });
});
