import { loadConfig } from "../../config/load-config.js";
import { LifecycleError, StrategyLifecycle } from "../../engine/lifecycle/strategy-lifecycle.js";
import { createStabilityLock } from "../../risk/guards/stability-lock.js";
import { openStore } from "../../store/open-store.js";
import { STRATEGY_STATUSES, type StrategyStatus } from "../../store/repositories/strategies.js";
import { openRiskState } from "../../store/risk-state.js";
import type { Store } from "../../store/store.js";
import { UsageError } from "../usage-error.js";
import { riskStoreUrl } from "./risk.js";

interface Globals {
  config?: string;
}

/** Opens the store and the lifecycle over it (with the configured stability lock), runs `fn`, closes both. */
async function withLifecycle<T>(
  globals: Globals,
  fn: (lifecycle: StrategyLifecycle, store: Store) => Promise<T>,
): Promise<T> {
  const { config } = loadConfig({ file: globals.config });
  const store = await openStore(riskStoreUrl(config));
  const latches = await openRiskState(store);
  try {
    const lifecycle = new StrategyLifecycle(
      store.strategies,
      createStabilityLock(config.risk.stabilityLock, latches),
      () => Date.now(),
    );
    return await fn(lifecycle, store);
  } catch (error) {
    // A refused move is a bad request (exit 2), like any other invalid input.
    if (error instanceof LifecycleError) throw new UsageError(error.message);
    throw error;
  } finally {
    await latches.close();
    await store.close();
  }
}

function person(by: string | undefined, what: string): string {
  if (!by || by.trim() === "")
    throw new UsageError(`${what} needs --by NAME: only a person can do it, and the record says who`);
  return by.trim();
}

function reasonOf(reason: string | undefined, what: string): string {
  if (!reason || reason.trim() === "")
    throw new UsageError(`${what} needs --reason TEXT: it is kept with the transition`);
  return reason.trim();
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

export async function strategiesListCommand(options: { status?: string }, globals: Globals): Promise<void> {
  if (options.status !== undefined && !(STRATEGY_STATUSES as readonly string[]).includes(options.status)) {
    throw new UsageError(`--status ${options.status}: expected one of ${STRATEGY_STATUSES.join(", ")}`);
  }
  await withLifecycle(globals, async (_lifecycle, store) => {
    const records = await store.strategies.list(options.status as StrategyStatus | undefined);
    if (records.length === 0) {
      process.stdout.write(
        "no stored strategies (the evolver, the LLM architect and `aegis strategies` approvals add them)\n",
      );
      return;
    }
    // Evolved strategies carry 64-character hash ids: the column is as wide as the widest id.
    const idWidth = Math.max(24, ...records.map((r) => r.id.length + 2));
    const lines = [`${"id".padEnd(idWidth)}${"status".padEnd(19)}${"source".padEnd(10)}${"updated".padEnd(18)}name`];
    for (const r of records) {
      lines.push(
        `${r.id.padEnd(idWidth)}${r.status.padEnd(19)}${r.source.padEnd(10)}${iso(r.updatedAt).padEnd(18)}${r.name}`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  });
}

export async function strategiesShowCommand(id: string, globals: Globals): Promise<void> {
  await withLifecycle(globals, async (_lifecycle, store) => {
    const record = await store.strategies.get(id);
    if (!record) throw new UsageError(`no stored strategy with id ${id} (see \`aegis strategies list\`)`);
    const lines = [
      `${record.id}: ${record.name} (${record.source}), ${record.status}`,
      "transitions:",
      ...(await store.strategies.transitions(id)).map(
        (t) =>
          `  ${iso(t.time)}  ${(t.fromStatus ?? "—").padEnd(18)} → ${t.toStatus.padEnd(18)} by ${t.by}: ${t.reason}`,
      ),
      ...(await shadowLines(store, id)),
      "spec:",
      JSON.stringify(record.spec, null, 2),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  });
}

/** What the strategy did in shadow beside each live session (`aegis trade` runs the lifecycle's shadows). */
async function shadowLines(store: Store, id: string): Promise<string[]> {
  const runs = await store.shadow.runs({ strategyId: id });
  if (runs.length === 0) return [];
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} %`;
  const sharpe = (x: number | null) => (x === null ? "n/a" : x.toFixed(2));
  const lines = ["shadow (paper fills beside the live strategy):"];
  for (const r of runs) {
    const trades = await store.shadow.trades(id, r.session);
    const pnl = trades.reduce((sum, t) => sum + t.pnl, 0);
    lines.push(
      `  session ${r.session}, last step ${iso(r.stepClose)}: ${r.iterations} iterations, equity ${r.equity.toFixed(2)} (${pct(r.roi)}; live ${pct(r.liveRoi)}), Sharpe ${sharpe(r.sharpe)} (live ${sharpe(r.liveSharpe)}), ${trades.length} trades, net P&L ${pnl.toFixed(2)}`,
      `    against live (paired test on daily returns): ${r.pValue === null ? `no p-value yet (${r.pairedDays} paired days, 10 needed)` : `p ${r.pValue.toPrecision(3)} over ${r.pairedDays} days`}`,
      `    promotion rule: ${r.ready ? "READY for approval" : "not yet"}: ${r.verdict}`,
      ...trades
        .slice(-5)
        .map(
          (t) =>
            `    ${iso(t.entryTime)} → ${iso(t.exitTime)} ${t.symbol} ${t.side} ${t.qty} @ ${t.entryPrice} → ${t.exitPrice}: ${t.pnl.toFixed(2)}${t.exitReason ? ` (${t.exitReason})` : ""}`,
        ),
    );
  }
  return lines;
}

export async function strategiesApproveCommand(
  id: string,
  options: { by?: string; reason?: string; emergency?: string },
  globals: Globals,
): Promise<void> {
  const by = person(options.by, "approving a strategy");
  const reason = reasonOf(options.reason, "approving a strategy");
  await withLifecycle(globals, async (lifecycle) => {
    const t = await lifecycle.approve(id, {
      by,
      reason,
      ...(options.emergency ? { emergency: options.emergency } : {}),
    });
    process.stdout.write(`${id}: ${t.fromStatus} → ${t.toStatus} by ${by}\n`);
  });
}

export async function strategiesRetireCommand(
  id: string,
  options: { by?: string; reason?: string },
  globals: Globals,
): Promise<void> {
  const by = person(options.by, "retiring a strategy");
  const reason = reasonOf(options.reason, "retiring a strategy");
  await withLifecycle(globals, async (lifecycle) => {
    const t = await lifecycle.retire(id, { by, reason });
    process.stdout.write(`${id}: ${t.fromStatus} → retired by ${by}\n`);
  });
}

export async function strategiesRollbackCommand(
  options: { by?: string; reason?: string },
  globals: Globals,
): Promise<void> {
  const by = person(options.by, "a rollback");
  const reason = reasonOf(options.reason, "a rollback");
  await withLifecycle(globals, async (lifecycle) => {
    const { retired, restored } = await lifecycle.rollback({ by, reason });
    process.stdout.write(`rolled back: ${retired} retired, ${restored} live again\n`);
  });
}
