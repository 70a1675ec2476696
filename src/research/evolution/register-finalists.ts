import type { GateResult } from "../../backtest/gates/validation-gates.js";
import type { StrategyStatus } from "../../domain/strategy-status.js";
import { transitionFigures, transitionGates } from "../../domain/transition-evidence.js";
import type { Store } from "../../store/store.js";
import type { EvolutionRun, Finalist } from "./run-evolution.js";

/** Who the lifecycle records for the evolver's moves (a machine name: it can never put money on a strategy). */
const BY = "gate";

export interface Registration {
  readonly id: string;
  readonly name: string;
  /** Where the strategy stands after this run: validated (a candidate), retired (failed), or unchanged. */
  readonly status: StrategyStatus;
  readonly passed: boolean;
  /** Why nothing moved (the strategy was already past "generated", e.g. from an earlier run). */
  readonly note?: string;
}

/** Every gate with its number and threshold, one line: the reason stored with the transition. */
export function gateSummary(gates: readonly GateResult[]): string {
  return gates
    .map((g) => `${g.passed ? "ok" : "FAIL"} ${g.gate} ${g.value === null ? "n/a" : round(g.value)} (${g.threshold})`)
    .join("; ");
}

const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4));

/**
 * The evolver's finalists into the lifecycle store. A finalist that passed every gate becomes a candidate:
 * generated → backtested (its out-of-sample walk-forward numbers, with fees) → validated (every gate with its
 * number); its holdout metrics go to strategy performance. A finalist that failed is retired with the failed gates
 * (the run has blacklisted it). A strategy already past "generated" (registered by an earlier run) is left where
 * a person or the shadow engine put it.
 */
export async function registerFinalists(
  store: Pick<Store, "strategies" | "learning">,
  run: Pick<EvolutionRun, "finalists" | "symbol" | "regime" | "plan" | "trials">,
  options: { readonly fee: number; readonly clock?: () => number },
): Promise<Registration[]> {
  const clock = options.clock ?? Date.now;
  const out: Registration[] = [];
  for (const f of run.finalists) {
    const time = clock();
    const record = await store.strategies.upsert(
      { id: f.hash, name: f.name, source: "evolver", spec: f.spec },
      "evolver",
      time,
    );
    const passed = f.gates.passed;
    if (record.status !== "generated") {
      out.push({
        id: f.hash,
        name: f.name,
        status: record.status,
        passed,
        note: `already ${record.status}; not moved`,
      });
      continue;
    }
    if (!passed) {
      await store.strategies.transition(
        f.hash,
        "retired",
        BY,
        `failed the gates (blacklisted): ${f.gates.reasons.join("; ")}`,
        time,
        "generated",
        { gates: transitionGates(f.gates.gates), figures: [] },
      );
      out.push({ id: f.hash, name: f.name, status: "retired", passed });
      continue;
    }
    await store.strategies.transition(
      f.hash,
      "backtested",
      BY,
      backtestReason(f, run, options.fee),
      time,
      "generated",
      { gates: [], figures: backtestFigures(f, run) },
    );
    await store.strategies.transition(
      f.hash,
      "validated",
      BY,
      `passed the gates: ${gateSummary(f.gates.gates)}`,
      time,
      "backtested",
      { gates: transitionGates(f.gates.gates), figures: [] },
    );
    const m = f.gates.holdout;
    await store.learning.insertStrategyPerformance({
      time,
      strategyId: f.hash,
      ...(run.regime !== null ? { regime: run.regime } : {}),
      trades: f.gates.holdoutTrades,
      ...(m.winRate !== null ? { winRate: m.winRate } : {}),
      ...(m.sharpe !== null ? { sharpeRatio: m.sharpe } : {}),
      ...(m.maxDrawdown !== null ? { maxDrawdown: m.maxDrawdown } : {}),
      ...(m.profitFactor !== null && Number.isFinite(m.profitFactor) ? { profitFactor: m.profitFactor } : {}),
    });
    out.push({ id: f.hash, name: f.name, status: "validated", passed });
  }
  return out;
}

/** The out-of-sample figures of the backtested move, as numbers (the reason says the same in words). */
function backtestFigures(f: Finalist, run: Pick<EvolutionRun, "trials">) {
  const o = f.outOfSample;
  return transitionFigures([
    ["fitness", f.fitness],
    ["Sharpe", o.sharpe],
    ["return", o.totalReturn * 100, "%"],
    ["max drawdown", o.maxDrawdown * 100, "%"],
    ["trades", o.trades],
    ["trials", run.trials],
    ["DSR", f.deflatedSharpe.dsr],
  ]);
}

function backtestReason(f: Finalist, run: Pick<EvolutionRun, "symbol" | "plan" | "trials">, fee: number): string {
  const o = f.outOfSample;
  const sharpe = o.sharpe === null ? "n/a" : o.sharpe.toFixed(2);
  return (
    `${run.symbol} walk-forward out of sample (${run.plan.mode}, fee ${fee}): ` +
    `fitness ${f.fitness?.toFixed(3) ?? "n/a"}, Sharpe ${sharpe}, return ${(o.totalReturn * 100).toFixed(2)} %, ` +
    `max drawdown ${(o.maxDrawdown * 100).toFixed(2)} %, ${o.trades} trades; best of ${run.trials} trials, ` +
    `DSR ${f.deflatedSharpe.dsr.toFixed(3)}`
  );
}
