import type { DecisionRecord } from "../engine/decision.js";

/** How often one layer gave one kind of reason; `example` is one reason verbatim, numbers and all. */
export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
  readonly example: string;
}

export interface LayerEffect {
  readonly layer: string;
  /** Orders whose quantity this layer scaled (down or, for sizing adjusters, up). */
  readonly resized: number;
  readonly denied: number;
  /** Orders refused because this layer had halted trading. */
  readonly halted: number;
  /** The most frequent reasons of its scale/deny/halt verdicts, most frequent first. */
  readonly topReasons: readonly ReasonCount[];
}

/** What the risk shield did to a run's orders, aggregated from the decision records. */
export interface RiskEffect {
  /** Orders the shield was asked about. */
  readonly ordersChecked: number;
  /** Approved orders that at least one layer resized. */
  readonly ordersResized: number;
  /** Orders that did not pass. */
  readonly ordersDenied: number;
  /** Decisions left with no order to send because the shield denied all of them. */
  readonly decisionsRejected: number;
  /** Layers that acted at least once, most active first. */
  readonly layers: readonly LayerEffect[];
  readonly halt: { readonly time: number; readonly reason: string } | undefined;
}

interface LayerTally {
  resized: number;
  denied: number;
  halted: number;
  reasons: Map<string, { count: number; example: string }>;
}

/**
 * Counts, per layer, the orders it resized, denied or refused under a halt, and groups its reasons by their
 * wording with the numbers taken out ("max 1.00× leverage" and "max 1.37× leverage" are one reason).
 */
export function summarizeRiskEffect(
  decisions: readonly DecisionRecord[],
  halt: RiskEffect["halt"],
  topReasons = 3,
): RiskEffect {
  const tallies = new Map<string, LayerTally>();
  let ordersChecked = 0;
  let ordersResized = 0;
  let ordersDenied = 0;
  let decisionsRejected = 0;
  // Most reasons recur word for word (a halt refuses thousands of orders with one text): two regular expressions
  // per verdict were most of the time of a 4 M-bar run's summary.
  const patterns = new Map<string, string>();
  for (const decision of decisions) {
    if (decision.outcome === "rejected") decisionsRejected++;
    for (const check of decision.risk) {
      ordersChecked++;
      if (!check.approved) ordersDenied++;
      let resized = false;
      for (const v of check.verdicts) {
        // A halt lets reducing orders through: those were not refused.
        if (v.verdict === "allow" || (v.verdict === "halt" && check.approved)) continue;
        let tally = tallies.get(v.layer);
        if (tally === undefined) {
          tally = { resized: 0, denied: 0, halted: 0, reasons: new Map() };
          tallies.set(v.layer, tally);
        }
        if (v.verdict === "scale") {
          tally.resized++;
          resized = true;
        } else if (v.verdict === "deny") tally.denied++;
        else tally.halted++;
        let key = patterns.get(v.reason);
        if (key === undefined) {
          key = reasonPattern(v.reason);
          patterns.set(v.reason, key);
        }
        const seen = tally.reasons.get(key);
        if (seen) seen.count++;
        else tally.reasons.set(key, { count: 1, example: v.reason });
      }
      if (resized && check.approved) ordersResized++;
    }
  }
  const layers = [...tallies].map(([layer, t]) => ({
    layer,
    resized: t.resized,
    denied: t.denied,
    halted: t.halted,
    topReasons: [...t.reasons]
      .map(([reason, r]) => ({ reason, count: r.count, example: r.example }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, topReasons),
  }));
  layers.sort((a, b) => b.denied + b.halted + b.resized - (a.denied + a.halted + a.resized));
  return { ordersChecked, ordersResized, ordersDenied, decisionsRejected, layers, halt };
}

/** A reason with its times and numbers replaced, so that reasons differing only in their figures group together. */
export function reasonPattern(reason: string): string {
  return reason
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z?/g, "<time>")
    .replace(/[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?/gi, "#");
}

/** Console lines: one per layer that acted, its counts and top reasons; then the halt, if any. */
export function formatRiskEffect(effect: RiskEffect): string[] {
  const lines = effect.layers.map((l) => {
    const counts = [
      l.resized > 0 ? `${l.resized} resized` : "",
      l.denied > 0 ? `${l.denied} denied` : "",
      l.halted > 0 ? `${l.halted} refused while halted` : "",
    ].filter((part) => part !== "");
    const reasons = l.topReasons.map((r) => `${r.count}× ${r.example}`).join("; ");
    return `  ${l.layer}: ${counts.join(", ")} — ${reasons}`;
  });
  if (effect.halt) {
    lines.push(
      `  HALTED at ${new Date(effect.halt.time).toISOString().slice(0, 16).replace("T", " ")} UTC: ${effect.halt.reason}`,
    );
  }
  return lines;
}
