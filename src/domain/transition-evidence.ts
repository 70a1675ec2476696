import type { TransitionFigure, TransitionGate } from "./strategy-status.js";

/** Gates as a lifecycle transition stores them: name, pass/fail, measured value and threshold. */
export function transitionGates(
  gates: readonly { gate: string; passed: boolean; value: number | null; threshold: string }[],
) {
  return gates.map((g): TransitionGate => ({ gate: g.gate, passed: g.passed, value: g.value, threshold: g.threshold }));
}

/** The finite figures among `entries` (a figure that could not be measured is left out, not stored as NaN). */
export function transitionFigures(
  entries: readonly (readonly [name: string, value: number | null | undefined, unit?: "%"])[],
): TransitionFigure[] {
  const out: TransitionFigure[] = [];
  for (const [name, value, unit] of entries)
    if (value !== null && value !== undefined && Number.isFinite(value))
      out.push(unit ? { name, value, unit } : { name, value });
  return out;
}
