import { shadowSignificance } from "../backtest/gates/shadow-significance.js";
import type { AegisConfig } from "../config/schema.js";
import { StrategyLifecycle } from "../engine/lifecycle/strategy-lifecycle.js";
import { createRiskRuntime } from "../engine/risk-runtime.js";
import type { ShadowReport } from "../engine/shadow/shadow-engine.js";
import { ShadowRunner } from "../engine/trading/shadow-runner.js";
import type { TradingSession } from "../engine/trading/trading-session.js";
import { createStabilityLock } from "../risk/guards/stability-lock.js";
import { MemoryStateStore, type RiskStateStore } from "../risk/state-store.js";
import type { Store } from "../store/store.js";

export interface TradeShadowParts {
  readonly session: TradingSession;
  readonly store: Store;
  /** The trading configuration (risk section for the shadows' shields and the stability lock). */
  readonly config: AegisConfig;
  /** The live latches (the stability lock the lifecycle respects). */
  readonly latches: RiskStateStore;
  readonly log: { info(o: object, m: string): void; error(o: object, m: string): void };
}

/**
 * `aegis trade`'s shadow engine: the lifecycle's shadow strategies beside the session (src/engine/trading/
 * shadow-runner.ts). Each shadow gets its own shield built from the live risk configuration on an in-memory latch
 * store: a shadow's drawdown must never trip the live kill switch, whose latch lives in the store.
 */
export async function startTradeShadows(parts: TradeShadowParts): Promise<ShadowRunner> {
  const lifecycle = new StrategyLifecycle(
    parts.store.strategies,
    createStabilityLock(parts.config.risk.stabilityLock, parts.latches),
    () => Date.now(),
  );
  const runner = new ShadowRunner({
    session: parts.session,
    strategies: parts.store.strategies,
    lifecycle,
    store: parts.store.shadow,
    significance: shadowSignificance,
    // The live session's fill model (fees, book slippage, market hours), so a shadow pays what live would.
    simulated: parts.session.options.simulated ?? {},
    buildShield: () => createRiskRuntime(parts.config.risk, { store: new MemoryStateStore() }).shield,
    onError: (error, what) => parts.log.error({ err: error }, `${what}; the live session goes on`),
    onMarked: (id, reason) => parts.log.info({ strategy: id, reason }, "shadow strategy marked awaiting-approval"),
  });
  await runner.start();
  if (runner.candidates.length > 0)
    parts.log.info(
      { candidates: runner.candidates, resumed: Object.fromEntries(runner.resumed) },
      "shadow strategies running beside the live one",
    );
  return runner;
}

/** One status line for the shadows: id, ROI against live, Sharpe, iterations, and whether it is ready. */
export function formatShadowsLine(reports: readonly ShadowReport[]): string | undefined {
  if (reports.length === 0) return undefined;
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} %`;
  const sharpe = (x: number | null) => (x === null ? "n/a" : x.toFixed(2));
  return `shadows: ${reports
    .map(
      (r) =>
        `${r.id} ${pct(r.roi)} vs live ${pct(r.liveRoi)}, Sharpe ${sharpe(r.sharpe)} vs ${sharpe(r.liveSharpe)}, p ${r.pValue === null ? "n/a" : r.pValue.toPrecision(2)}, ${r.iterations} it.${r.verdict.ready ? " READY for approval" : ""}`,
    )
    .join(" · ")}`;
}
