/** How the layers of the shield write numbers into their reasons and read their latches back. */

/** A percentage for a reason: `2.31 %`. */
export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** An amount of quote currency for a reason: `1234.50`. */
export function money(value: number): string {
  return value.toFixed(2);
}

/** JSON.parse that returns undefined for malformed text, so the caller's schema reports what was stored. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
