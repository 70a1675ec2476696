import type { GateResult } from "../../backtest/gates/validation-gates.js";
import type { DebateRound, DebateTranscript } from "./debate-types.js";

const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
const num = (v: number | null) => (v === null ? "n/a" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(4));

/** A debate as a person reads it: each round's spec, every gate with its number and threshold, the critique. */
export function formatTranscript(t: DebateTranscript): string {
  const lines = [
    `${t.kind} debate on ${t.symbol}: ${t.outcome.toUpperCase()} (${t.stoppedBecause})`,
    `selection bars ${day(t.windows.search[0])} – ${day(t.windows.search[1])}; holdout ${day(t.windows.holdout[0])} – ${day(t.windows.holdout[1])}; fee ${(t.fee * 100).toFixed(3)} % per fill; ${t.trials} spec(s) tried`,
  ];
  if (t.suggestion) lines.push(`suggestion: ${t.suggestion.reason} → ${t.suggestion.proposedChange}`);
  if (t.idea) lines.push(`idea: ${t.idea}`);
  for (const round of t.rounds) lines.push(...formatRound(round));
  if (t.survivor) lines.push(`entered the lifecycle: ${t.survivor.id} (${t.survivor.name}), ${t.survivor.status}`);
  if (t.blacklisted.length > 0) lines.push(`blacklisted: ${t.blacklisted.map((h) => h.slice(0, 12)).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

function formatRound(r: DebateRound): string[] {
  const lines = [`— round ${r.round} (${r.proposer}): ${r.verdict} at ${r.stage}`];
  if (r.rationale) lines.push(`  rationale: ${r.rationale}`);
  if (r.spec) lines.push(`  spec ${r.spec.name} (${r.specHash?.slice(0, 12)}): ${JSON.stringify(r.spec)}`);
  if (r.selection) lines.push("  selection gates (search bars):", ...gateLines(r.selection.gates));
  if (r.holdout) lines.push("  holdout gates (bars selection never saw):", ...gateLines(r.holdout.gates));
  if (r.verdict === "rejected") for (const reason of r.reasons) lines.push(`  ✗ ${reason}`);
  if (r.critique) lines.push(...r.critique.split("\n").map((l) => `  critique> ${l}`));
  return lines;
}

function gateLines(gates: readonly GateResult[]): string[] {
  return gates.map(
    (g) => `    ${g.passed ? "pass" : "FAIL"}  ${g.gate.padEnd(36)}${num(g.value).padStart(10)}  needs ${g.threshold}`,
  );
}
