import type { TransitionFigure, TransitionGate, TransitionNumbers } from "../domain/strategy-status.js";

/**
 * The numbers a lifecycle transition carries. The store keeps a transition's evidence as one line of text (the
 * `reason`), written by three machines in known shapes:
 *  - the evolver (research/evolution/register-finalists.ts): `passed the gates: ok holdout Sharpe 1.2 (> 0.5); …`,
 *    `failed the gates (blacklisted): holdout Sharpe: 0.12 (needs > 0.5); …` and the out-of-sample figures
 *    `… fee 0.001): fitness 0.31, Sharpe 1.20, return 4.00 %, max drawdown 7.00 %, 42 trades; best of 300 trials, DSR 0.970`;
 *  - the LLM layer (research/llm/lifecycle-entry.ts): `holdout gates passed: holdout Sharpe 1.23, holdout trades 40`;
 *  - the shadow promotion (research/evolution/candidate-vs-live.ts): `…; vs live x: p 0.0123 (Diebold–Mariano …, bootstrap p 0.04)`.
 * This reads them back into gates and figures so the dashboard can show them in columns. A reason in none of these
 * shapes (a person's words) yields nothing, and the text itself is always shown beside.
 */

/** A gate read from text: null value when it could not be measured ("n/a"), which fails it. */
export type ParsedGate = TransitionGate;
/** A figure read from text: unit "%" when the text gave a percentage (the value is then in percent, as written). */
export type ParsedFigure = TransitionFigure;
export type { TransitionNumbers };

/**
 * A transition's gates and figures: those stored with it as data (since migration 010, every machine's move), or,
 * for an older row or a person's move, whatever its reason text yields.
 */
export function transitionEvidence(
  reason: string,
  stored: TransitionNumbers | string | null | undefined,
): TransitionNumbers {
  if (typeof stored === "string") {
    try {
      const parsed = JSON.parse(stored) as TransitionNumbers | null;
      if (parsed && Array.isArray(parsed.gates) && Array.isArray(parsed.figures)) return parsed;
    } catch {
      // An unreadable column is no evidence: fall back to the text, as for rows written before it existed.
    }
    return transitionNumbers(reason);
  }
  return stored ?? transitionNumbers(reason);
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e[-+]?\d+)?`;
const VALUE = `(n/a|${NUMBER})`;
const SUMMARY_GATE = new RegExp(`^(ok|FAIL) (.+?) ${VALUE} \\((.+)\\)$`);
const FAILED_GATE = new RegExp(`^(.+?): ${VALUE} \\(needs (.+)\\)$`);
const BARE_FIGURE = new RegExp(`^([A-Za-z][A-Za-z -]*?) ${VALUE}( %)?$`);
const COUNT = /^(\d+) ([a-z]+)$/;
const P_VALUE = new RegExp(`(^|[^a-z])(bootstrap )?p (${NUMBER})`, "g");

const toValue = (text: string): number | null => (text === "n/a" ? null : Number(text));

/** Gates and figures of one transition reason; empty lists when the text is in no known shape. */
export function transitionNumbers(reason: string): TransitionNumbers {
  const gates: ParsedGate[] = [];
  const figures: ParsedFigure[] = [];
  const colon = reason.indexOf(": ");
  const head = colon < 0 ? "" : reason.slice(0, colon);
  const body = colon < 0 ? reason : reason.slice(colon + 2);
  // "selection gates passed: a 1, b 2" lists gates by name and value only: each passed.
  const allPassed = /gates passed$/.test(head);
  for (const segment of body.split(/;\s+|,\s+/)) {
    const part = segment.trim();
    let m = SUMMARY_GATE.exec(part);
    if (m) {
      gates.push({
        gate: m[2] as string,
        passed: m[1] === "ok",
        value: toValue(m[3] as string),
        threshold: m[4] ?? null,
      });
      continue;
    }
    m = FAILED_GATE.exec(part);
    if (m) {
      gates.push({ gate: m[1] as string, passed: false, value: toValue(m[2] as string), threshold: m[3] ?? null });
      continue;
    }
    m = COUNT.exec(part);
    if (m) {
      figures.push({ name: m[2] as string, value: Number(m[1]) });
      continue;
    }
    m = BARE_FIGURE.exec(part);
    if (m) {
      const value = toValue(m[2] as string);
      if (allPassed) gates.push({ gate: m[1] as string, passed: value !== null, value, threshold: null });
      else if (value !== null) figures.push({ name: m[1] as string, value, ...(m[3] ? { unit: "%" as const } : {}) });
    }
  }
  for (const m of reason.matchAll(P_VALUE)) {
    const name = m[2] ? "bootstrap p-value" : "p-value";
    if (!figures.some((f) => f.name === name)) figures.push({ name, value: Number(m[3]) });
  }
  return { gates, figures };
}
