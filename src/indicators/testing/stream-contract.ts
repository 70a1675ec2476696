/** Test-only helpers to check a streaming indicator against its batch form and the `peek` contract. */
import { assert } from "vitest";
import type { BarInput, StreamingIndicator } from "../types.js";

/**
 * Feeds `inputs` one at a time. Before each `update` it peeks twice: at `forming(input)` (a different, still-forming
 * value) and at the real input, and asserts that peek(real) is identical to what update(real) then returns.
 * Returns the update outputs, which a caller compares with the batch result: since the peeks are interleaved,
 * equality also shows that peek changed no state.
 */
export function runStreamWithPeeks<In, Out>(
  stream: StreamingIndicator<In, Out>,
  inputs: readonly In[],
  forming: (input: In, index: number) => In,
): Out[] {
  const outputs: Out[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    stream.peek(forming(input, i));
    const peeked = stream.peek(input);
    const updated = stream.update(input);
    if (!sameValue(peeked, updated)) {
      assert.fail(`bar ${i}: peek gave ${JSON.stringify(peeked)} but update gave ${JSON.stringify(updated)}`);
    }
    outputs.push(updated);
  }
  return outputs;
}

/** Stream outputs as one Float64Array (number outputs) or one field of object outputs. */
export function outputColumn<Out>(outputs: readonly Out[], field?: keyof Out): Float64Array {
  return Float64Array.from(outputs, (output) =>
    field === undefined ? (output as number) : (output[field] as unknown as number),
  );
}

/** Bars for HLC indicators from column arrays (volume 0: these indicators do not read it). */
export function toBars(high: Float64Array, low: Float64Array, close: Float64Array): BarInput[] {
  return Array.from(high, (value, i) => ({ high: value, low: low[i]!, close: close[i]!, volume: 0 }));
}

/** A forming bar: the closed bar moved by `factor` (different prices, same shape). */
export function formingBar(bar: BarInput, index: number): BarInput {
  const factor = 1 + ((index % 7) - 3) / 1000;
  return { high: bar.high * factor, low: bar.low * factor, close: bar.close * factor, volume: bar.volume };
}

/** A forming close: the closed value moved by a small index-dependent amount. */
export function formingValue(value: number, index: number): number {
  return value * (1 + ((index % 7) - 3) / 1000);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => sameValue(left[key], right[key]));
}
