import { UsageError } from "./usage-error.js";

/**
 * `--grid fast=5,10,20 --grid slow=50:200:50` → { fast: [5, 10, 20], slow: [50, 100, 150, 200] }.
 * A range `from:to:step` includes both ends when the step lands on `to`.
 */
export function parseGridOptions(items: readonly string[] | undefined): Record<string, number[]> {
  const grid: Record<string, number[]> = {};
  for (const item of items ?? []) {
    const at = item.indexOf("=");
    if (at <= 0)
      throw new UsageError(`--grid ${JSON.stringify(item)}: expected name=values, e.g. fast=5,10,20 or fast=5:50:5`);
    const name = item.slice(0, at).trim();
    const text = item.slice(at + 1).trim();
    if (name in grid) throw new UsageError(`--grid ${name} is given twice`);
    const range = /^(-?[0-9.]+):(-?[0-9.]+):([0-9.]+)$/.exec(text);
    if (range) {
      const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (!(step > 0) || to < from)
        throw new UsageError(`--grid ${name}=${text}: a range is from:to:step with from <= to and step > 0`);
      const count = Math.floor((to - from) / step + 1e-9) + 1;
      if (count > 10_000) throw new UsageError(`--grid ${name}=${text}: ${count} values is too many`);
      grid[name] = Array.from({ length: count }, (_, k) => Number((from + k * step).toPrecision(12)));
      continue;
    }
    const values = text.split(",").map((v) => v.trim());
    const numbers = values.map(Number);
    const bad = values.find((v, k) => v === "" || !Number.isFinite(numbers[k]));
    if (bad !== undefined) throw new UsageError(`--grid ${name}: ${JSON.stringify(bad)} is not a number`);
    grid[name] = numbers;
  }
  return grid;
}
