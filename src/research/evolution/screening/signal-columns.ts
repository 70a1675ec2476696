import type { BatchColumns } from "../../../strategy/columns.js";
import { indicatorKey } from "../../../strategy/indicator-catalog.js";
import type { Condition, IndicatorDeclaration, Operand } from "../../../strategy/spec/schema.js";
import { PRICE_FIELDS } from "../../../strategy/spec/schema.js";
import type { PriceField } from "../../../strategy/strategy.js";

/** An operand as a whole column: a constant, or a column read `ago` bars back. */
type OperandColumn =
  | { readonly constant: number; readonly key: string }
  | { readonly values: Float64Array; readonly ago: number; readonly key: string };

/**
 * Condition columns (`rsi(14) < 30`, and all/any/not of them) on one data set, shared by every spec screened on it:
 * a population repeats the same conditions and the same groups of them, so most are computed once. Keyed by what the operands resolve to (indicator type and
 * parameters), not by the names a spec gives them. Bounded in bytes; when full, new results are simply not kept.
 */
export class ConditionCache {
  readonly #entries = new Map<string, Uint8Array>();
  readonly #capacity: number;

  constructor(length: number, maxBytes = 64 * 1024 * 1024) {
    this.#capacity = Math.max(0, Math.floor(maxBytes / Math.max(1, length)));
  }

  get(key: string): Uint8Array | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: Uint8Array): void {
    if (this.#entries.size < this.#capacity) this.#entries.set(key, value);
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

  constructor(
    columns: BatchColumns,
    length: number,
    declarations: ReadonlyMap<string, IndicatorDeclaration>,
    params: Readonly<Record<string, number>>,
    cache?: ConditionCache,
  ) {
    this.#columns = columns;
    this.#length = length;
    this.#declarations = declarations;
    this.#params = params;
    this.#cache = cache;
  }

  evaluate(condition: Condition): Uint8Array {
    return this.#evaluate(condition).values;
  }

  /** The condition's column and its cache key (what its operands resolve to, not the names the spec uses). */
  #evaluate(condition: Condition): { values: Uint8Array; key: string } {
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
      let out: Uint8Array;
      if (op === "not") {
        const inner = (children[0] as { values: Uint8Array }).values;
        out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = 1 - (inner[i] as number);
      } else {
        out = (children[0] as { values: Uint8Array }).values.slice();
        for (let k = 1; k < children.length; k++) {
          const part = (children[k] as { values: Uint8Array }).values;
          if (op === "all") for (let i = 0; i < n; i++) out[i] = (out[i] as number) & (part[i] as number);
          else for (let i = 0; i < n; i++) out[i] = (out[i] as number) | (part[i] as number);
        }
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
    const out = new Uint8Array(n);
    if (op === "between") {
      const [x, lo, hi] = columns.map((c) => this.#series(c)) as [Float64Array, Float64Array, Float64Array];
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        out[i] = v >= (lo[i] as number) && v <= (hi[i] as number) ? 1 : 0;
      }
    } else if (op === "crossAbove" || op === "crossBelow") {
      const a = this.#series(columns[0] as OperandColumn);
      const b = this.#series(columns[1] as OperandColumn);
      const above = op === "crossAbove";
      for (let i = 1; i < n; i++) {
        const a0 = a[i] as number;
        const b0 = b[i] as number;
        const a1 = a[i - 1] as number;
        const b1 = b[i - 1] as number;
        out[i] = (above ? a0 > b0 && a1 <= b1 : a0 < b0 && a1 >= b1) ? 1 : 0;
      }
    } else compare(op, columns[0] as OperandColumn, columns[1] as OperandColumn, this, out);
    this.#cache?.set(key, out);
    return { values: out, key };
  }

  /** The operand's value at every bar, shifted by its `ago` (NaN before the first bar). */
  series(column: OperandColumn): Float64Array {
    return this.#series(column);
  }

  #series(column: OperandColumn): Float64Array {
    const n = this.#length;
    if ("constant" in column) return new Float64Array(n).fill(column.constant);
    if (column.ago === 0) return column.values;
    const out = new Float64Array(n).fill(Number.NaN);
    for (let i = column.ago; i < n; i++) out[i] = column.values[i - column.ago] as number;
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
      return { values: this.#columns.price(name as PriceField).values, ago, key: `${name}@${ago}` };
    }
    const declaration = this.#declarations.get(name) as IndicatorDeclaration;
    return {
      values: this.#columns.indicator(declaration, output).values,
      ago,
      key: `${indicatorKey(declaration)}.${output ?? ""}@${ago}`,
    };
  }
}

/** gt/gte/lt/lte with a constant on either side compared without building a constant column. */
function compare(op: string, a: OperandColumn, b: OperandColumn, signals: SignalColumns, out: Uint8Array): void {
  const n = out.length;
  if ("constant" in b && !("constant" in a) && a.ago === 0) {
    const x = a.values;
    const k = b.constant;
    if (op === "gt") for (let i = 0; i < n; i++) out[i] = (x[i] as number) > k ? 1 : 0;
    else if (op === "gte") for (let i = 0; i < n; i++) out[i] = (x[i] as number) >= k ? 1 : 0;
    else if (op === "lt") for (let i = 0; i < n; i++) out[i] = (x[i] as number) < k ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = (x[i] as number) <= k ? 1 : 0;
    return;
  }
  const x = signals.series(a);
  const y = signals.series(b);
  if (op === "gt") for (let i = 0; i < n; i++) out[i] = (x[i] as number) > (y[i] as number) ? 1 : 0;
  else if (op === "gte") for (let i = 0; i < n; i++) out[i] = (x[i] as number) >= (y[i] as number) ? 1 : 0;
  else if (op === "lt") for (let i = 0; i < n; i++) out[i] = (x[i] as number) < (y[i] as number) ? 1 : 0;
  else for (let i = 0; i < n; i++) out[i] = (x[i] as number) <= (y[i] as number) ? 1 : 0;
}
