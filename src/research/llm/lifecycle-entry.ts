import { transitionGates } from "../../domain/transition-evidence.js";
import type { StrategyLifecycle } from "../../engine/lifecycle/strategy-lifecycle.js";
import type { StrategyInput, StrategyRecord } from "../../store/repositories/strategies.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import type { HoldoutVerdict } from "./red-team.js";
import type { SelectionVerdict } from "./selection-gates.js";

/** Where a surviving spec goes: the strategy lifecycle of issue 10. */
export interface LifecycleEntry {
  enter(survivor: {
    spec: StrategySpec;
    hash: string;
    proposer: "architect" | "hypothesis";
    selection: SelectionVerdict;
    holdout: HoldoutVerdict;
  }): Promise<{ id: string; status: string }>;
}

/**
 * Stores the spec (id = its hash, source "llm") and lets the machine move it as far as the machine may: generated →
 * backtested (the selection gates) → validated (the holdout gates). From there the lifecycle takes over: shadow,
 * a person's approval, the stability lock; nothing here can put money on it.
 */
export function storeLifecycleEntry(
  strategies: { upsert(strategy: StrategyInput, by: string, time: number): Promise<StrategyRecord> },
  lifecycle: StrategyLifecycle,
): LifecycleEntry {
  return {
    async enter({ spec, hash, proposer, selection, holdout }) {
      const by = `llm-${proposer}`;
      await strategies.upsert({ id: hash, name: spec.name, source: "llm", spec }, by, lifecycle.now());
      await lifecycle.move(hash, "backtested", {
        by,
        reason: `selection gates passed: ${summary(selection.gates)}`,
        numbers: { gates: transitionGates(selection.gates), figures: [] },
      });
      const moved = await lifecycle.move(hash, "validated", {
        by,
        reason: `holdout gates passed: ${summary(holdout.gates)}`,
        numbers: { gates: transitionGates(holdout.gates), figures: [] },
      });
      return { id: hash, status: moved.toStatus };
    },
  };
}

const summary = (gates: readonly { gate: string; value: number | null }[]) =>
  gates.map((g) => `${g.gate} ${g.value === null ? "n/a" : Number(g.value.toPrecision(4))}`).join(", ");
