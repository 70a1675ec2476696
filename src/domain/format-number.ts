/**
 * A number as text with no binary noise and no needless digits (`0.00012`, `27350.5`, `3803.56` rather than
 * `3803.5600000000004`): up to 12 significant digits, which keeps every real price and quantity. Text that is not a
 * finite number is written as JavaScript writes it (`NaN`, `Infinity`); a caller that needs another mark for it
 * (an empty CSV cell) tests `Number.isFinite` itself.
 */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
}
