import type { BatchColumns } from "../../../strategy/columns.js";
import { indicatorKey } from "../../../strategy/indicator-catalog.js";
import type { Condition, IndicatorDeclaration, Operand } from "../../../strategy/spec/schema.js";
import { PRICE_FIELDS } from "../../../strategy/spec/schema.js";
import type { PriceField } from "../../../strategy/strategy.js";
import {
  type Bits,
  betweenBits,
  type Comparison,
  combineBits,
  compareBits,
  compareConstantBits,
  crossAboveBits,
  newBits,
  notBits,
  wordsFor,
} from "./bitset.js";
import { SharedIndicatorParts } from "./shared-indicator-parts.js";

/** An operand as a whole column: a constant, or a column read `ago` bars back. */
type OperandColumn =
  | { readonly constant: number; readonly key: string }
  | {
      /** The column itself, computed only when the condition is (a cached condition needs only the key). */
      readonly values: () => Float64Array;
      readonly ago: number;
      readonly key: string;
    };

/**
 * Condition columns (`rsi(14) < 30`, and all/any/not of them) on one data set, shared by every spec screened on it:
 * a population repeats the same conditions and the same groups of them, so most are computed once. Keyed by what the operands resolve to (indicator type and
 * parameters), not by the names a spec gives them. Bounded in bytes; when full, the least recently used is dropped.
 */
export class ConditionCache {
  /** Entries in the order they were stored or last refreshed: the first is the one to drop. */
  readonly #entries = new Map<string, { readonly bits: Bits; stored: number }>();
  readonly #capacity: number;
  /** Counts stores: an entry's age is how many columns were stored since it was (re)stored. */
  #clock = 0;
  /** Lookups that found their column, and those that did not (the hit rate a search gets from sharing). */
  hits = 0;
  misses = 0;

  constructor(length: number, maxBytes = 64 * 1024 * 1024) {
    this.#capacity = Math.max(0, Math.floor(maxBytes / (4 * Math.max(1, wordsFor(length)))));
  }

  get(key: string): Bits | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // A search's population drifts, so the entries not used for longest are the ones to drop. Moving an entry to
    // the end at every hit (a true LRU) was a tenth of the screening time (profiled); moving it only once it is
    // older than half the capacity keeps every entry used within that window.
    if (this.#clock - entry.stored > this.#capacity >> 1) {
      this.#entries.delete(key);
      entry.stored = this.#clock;
      this.#entries.set(key, entry);
    }
    return entry.bits;
  }

  set(key: string, value: Bits): void {
    if (this.#capacity === 0) return;
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { bits: value, stored: ++this.#clock });
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Evaluates a spec condition over every bar at once (vectorbt-style): 1 where the condition holds at that bar's
 * close, exactly as the compiled spec would answer at that bar (NaN compares false, a bar before the first reads NaN).
 * Returned arrays may be shared through the cache: callers must not write to them.
 */
export class SignalColumns {
  readonly #columns: BatchColumns;
  readonly #declarations: ReadonlyMap<string, IndicatorDeclaration>;
  readonly #params: Readonly<Record<string, number>>;
  readonly #length: number;
  readonly #cache: ConditionCache | undefined;
  readonly #parts: SharedIndicatorParts;
  /** Columns read `ago` bars back, per spec (a shift is a copy; specs read e.g. a channel's previous bar). */
  readonly #shifted = new Map<string, Float64Array>();

  constructor(
    columns: BatchColumns,
    length: number,
    declarations: ReadonlyMap<string, IndicatorDeclaration>,
    params: Readonly<Record<string, number>>,
    cache?: ConditionCache,
    parts?: SharedIndicatorParts,
  ) {
    this.#columns = columns;
    this.#parts = parts ?? new SharedIndicatorParts(columns, length);
    this.#length = length;
    this.#declarations = declarations;
    this.#params = params;
    this.#cache = cache;
  }

  /** The condition's bitset (see bitset.ts): bit i is 1 where it holds at bar i. */
  evaluate(condition: Condition): Bits {
    return this.#evaluate(condition).values;
  }

  /** The condition's column and its cache key (what its operands resolve to, not the names the spec uses). */
  #evaluate(condition: Condition): { values: Bits; key: string } {
    const n = this.#length;
    if ("all" in condition || "any" in condition || "not" in condition) {
      const op = "all" in condition ? "all" : "any" in condition ? "any" : "not";
      const parts =
        op === "not"
          ? [(condition as { not: Condition }).not]
          : ((condition as Record<string, Condition[]>)[op] as Condition[]);
      const children = parts.map((c) => this.#evaluate(c));
      const key = `${op}(${children.map((c) => c.key).join(",")})`;
      const cached = this.#cache?.get(key);
      if (cached) return { values: cached, key };
      const first = (children[0] as { values: Bits }).values;
      const out = newBits(n);
      if (op === "not") notBits(out, first, n);
      else {
        out.set(first);
        for (let k = 1; k < children.length; k++)
          combineBits(out, (children[k] as { values: Bits }).values, op === "all");
      }
      this.#cache?.set(key, out);
      return { values: out, key };
    }
    if ("divergence" in condition) throw new Error("divergence is not evaluated over columns");
    const [op, operands] = Object.entries(condition)[0] as [string, Operand[]];
    const columns = operands.map((o) => this.#operand(o));
    const key = `${op}(${columns.map((c) => c.key).join(",")})`;
    const cached = this.#cache?.get(key);
    if (cached) return { values: cached, key };
    const out = newBits(n);
    if (op === "between") {
      const [x, lo, hi] = columns.map((c) => this.#series(c)) as [Float64Array, Float64Array, Float64Array];
      betweenBits(out, x, lo, hi, n);
    } else if (op === "crossAbove" || op === "crossBelow") {
      const a = this.#series(columns[0] as OperandColumn);
      const b = this.#series(columns[1] as OperandColumn);
      if (op === "crossAbove") crossAboveBits(out, a, b, n);
      else crossAboveBits(out, b, a, n);
    } else compare(op as Comparison, columns[0] as OperandColumn, columns[1] as OperandColumn, this, out);
    this.#cache?.set(key, out);
    return { values: out, key };
  }

  get length(): number {
    return this.#length;
  }

  /** The operand's value at every bar, shifted by its `ago` (NaN before the first bar). */
  series(column: OperandColumn): Float64Array {
    return this.#series(column);
  }

  #series(column: OperandColumn): Float64Array {
    const n = this.#length;
    if ("constant" in column) return new Float64Array(n).fill(column.constant);
    if (column.ago === 0) return column.values();
    const cached = this.#shifted.get(column.key);
    if (cached) return cached;
    const out = new Float64Array(n).fill(Number.NaN);
    out.set(column.values().subarray(0, Math.max(0, n - column.ago)), column.ago);
    this.#shifted.set(column.key, out);
    return out;
  }

  #operand(operand: Operand): OperandColumn {
    if (typeof operand === "number") return { constant: operand, key: String(operand) };
    if (typeof operand === "string" && operand.startsWith("$")) {
      const value = this.#params[operand.slice(1)] as number;
      return { constant: value, key: String(value) };
    }
    const ref = typeof operand === "string" ? operand : operand.ref;
    const ago = typeof operand === "string" ? 0 : operand.ago;
    const [name, output] = ref.split(".") as [string, string | undefined];
    if ((PRICE_FIELDS as readonly string[]).includes(name)) {
      return { values: () => this.#columns.price(name as PriceField).values, ago, key: `${name}@${ago}` };
    }
    const declaration = this.#declarations.get(name) as IndicatorDeclaration;
    return {
      values: () => this.#parts.indicator(declaration, output),
      ago,
      key: `${indicatorKey(declaration)}.${output ?? ""}@${ago}`,
    };
  }
}

/** gt/gte/lt/lte with a constant on either side compared without building a constant column. */
function compare(op: Comparison, a: OperandColumn, b: OperandColumn, signals: SignalColumns, out: Bits): void {
  const n = signals.length;
  if ("constant" in b && !("constant" in a) && a.ago === 0) compareConstantBits(out, a.values(), b.constant, op, n);
  else if ("constant" in a && !("constant" in b) && b.ago === 0)
    compareConstantBits(out, b.values(), a.constant, MIRRORED[op], n);
  else compareBits(out, signals.series(a), signals.series(b), op, n);
}

/** k op x is x MIRRORED[op] k. */
const MIRRORED: Record<Comparison, Comparison> = { gt: "lt", gte: "lte", lt: "gt", lte: "gte" };
