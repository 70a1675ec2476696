import type { BatchColumns } from "../../../strategy/columns.js";
import type { Condition, IndicatorDeclaration, Operand } from "../../../strategy/spec/schema.js";
import { PRICE_FIELDS } from "../../../strategy/spec/schema.js";
import type { PriceField } from "../../../strategy/strategy.js";

/** An operand as a whole column: a constant, or a column read `ago` bars back. */
type OperandColumn = { readonly constant: number } | { readonly values: Float64Array; readonly ago: number };

/**
 * Evaluates a spec condition over every bar at once (vectorbt-style): 1 where the condition holds at that bar's
 * close, exactly as the compiled spec would answer at that bar (NaN compares false, a bar before the first reads NaN).
 */
export class SignalColumns {
  readonly #columns: BatchColumns;
  readonly #declarations: ReadonlyMap<string, IndicatorDeclaration>;
  readonly #params: Readonly<Record<string, number>>;
  readonly #length: number;

  constructor(
    columns: BatchColumns,
    length: number,
    declarations: ReadonlyMap<string, IndicatorDeclaration>,
    params: Readonly<Record<string, number>>,
  ) {
    this.#columns = columns;
    this.#length = length;
    this.#declarations = declarations;
    this.#params = params;
  }

  evaluate(condition: Condition): Uint8Array {
    const n = this.#length;
    if ("all" in condition) {
      const out = this.evaluate(condition.all[0] as Condition);
      for (let k = 1; k < condition.all.length; k++) {
        const part = this.evaluate(condition.all[k] as Condition);
        for (let i = 0; i < n; i++) out[i] = (out[i] as number) & (part[i] as number);
      }
      return out;
    }
    if ("any" in condition) {
      const out = this.evaluate(condition.any[0] as Condition);
      for (let k = 1; k < condition.any.length; k++) {
        const part = this.evaluate(condition.any[k] as Condition);
        for (let i = 0; i < n; i++) out[i] = (out[i] as number) | (part[i] as number);
      }
      return out;
    }
    if ("not" in condition) {
      const out = this.evaluate(condition.not);
      for (let i = 0; i < n; i++) out[i] = 1 - (out[i] as number);
      return out;
    }
    if ("divergence" in condition) throw new Error("divergence is not evaluated over columns");
    if ("between" in condition) {
      const [x, lo, hi] = condition.between.map((o) => this.#series(o, 0)) as [
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        out[i] = v >= (lo[i] as number) && v <= (hi[i] as number) ? 1 : 0;
      }
      return out;
    }
    if ("crossAbove" in condition || "crossBelow" in condition) {
      const above = "crossAbove" in condition;
      const [ao, bo] = above ? condition.crossAbove : (condition as { crossBelow: [Operand, Operand] }).crossBelow;
      const a = this.#series(ao, 0);
      const b = this.#series(bo, 0);
      const out = new Uint8Array(n);
      for (let i = 1; i < n; i++) {
        const a0 = a[i] as number;
        const b0 = b[i] as number;
        const a1 = a[i - 1] as number;
        const b1 = b[i - 1] as number;
        out[i] = (above ? a0 > b0 && a1 <= b1 : a0 < b0 && a1 >= b1) ? 1 : 0;
      }
      return out;
    }
    const [op, pair] = Object.entries(condition)[0] as ["gt" | "gte" | "lt" | "lte", [Operand, Operand]];
    const a = this.#series(pair[0], 0);
    const b = this.#series(pair[1], 0);
    const out = new Uint8Array(n);
    if (op === "gt") for (let i = 0; i < n; i++) out[i] = (a[i] as number) > (b[i] as number) ? 1 : 0;
    else if (op === "gte") for (let i = 0; i < n; i++) out[i] = (a[i] as number) >= (b[i] as number) ? 1 : 0;
    else if (op === "lt") for (let i = 0; i < n; i++) out[i] = (a[i] as number) < (b[i] as number) ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = (a[i] as number) <= (b[i] as number) ? 1 : 0;
    return out;
  }

  /** The operand's value at every bar, shifted by its `ago` (NaN before the first bar). */
  #series(operand: Operand, extra: number): Float64Array {
    const column = this.#operand(operand);
    const n = this.#length;
    if ("constant" in column) return new Float64Array(n).fill(column.constant);
    const shift = column.ago + extra;
    if (shift === 0) return column.values;
    const out = new Float64Array(n).fill(Number.NaN);
    for (let i = shift; i < n; i++) out[i] = column.values[i - shift] as number;
    return out;
  }

  #operand(operand: Operand): OperandColumn {
    if (typeof operand === "number") return { constant: operand };
    if (typeof operand === "string" && operand.startsWith("$")) {
      return { constant: this.#params[operand.slice(1)] as number };
    }
    const ref = typeof operand === "string" ? operand : operand.ref;
    const ago = typeof operand === "string" ? 0 : operand.ago;
    const [name, output] = ref.split(".") as [string, string | undefined];
    if ((PRICE_FIELDS as readonly string[]).includes(name)) {
      return { values: this.#columns.price(name as PriceField).values, ago };
    }
    return {
      values: this.#columns.indicator(this.#declarations.get(name) as IndicatorDeclaration, output).values,
      ago,
    };
  }
}
