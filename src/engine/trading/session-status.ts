import type { DecisionRecord } from "../decision.js";
import type { TradingSession } from "./trading-session.js";

/** What `aegis trade` shows and `aegis status` reads: equity, positions, last decisions and why, shield, feeds. */
export interface SessionStatus {
  readonly time: number;
  readonly steps: number;
  readonly equity: number;
  readonly cash: number;
  readonly initialCash: number;
  readonly returnPct: number;
  readonly positions: readonly {
    symbol: string;
    side: string;
    quantity: number;
    entryPrice: number;
    markPrice: number;
    unrealizedPnl: number;
  }[];
  readonly openOrders: number;
  readonly halted: string | null;
  readonly feeds: Record<string, { healthy: boolean; problems: string[] }>;
  readonly storeHealthy: boolean;
  readonly lastDecisions: readonly DecisionRecord[];
}

export function sessionStatus(session: TradingSession, now: number): SessionStatus {
  const portfolio = session.portfolio;
  const positions = session.options.slots
    .map((slot) => portfolio.position(slot.symbol))
    .filter((p) => p !== undefined)
    .map((p) => ({
      symbol: p.symbol,
      side: p.side,
      quantity: p.quantity,
      entryPrice: p.entryPrice,
      markPrice: p.markPrice,
      unrealizedPnl: p.unrealizedPnl,
    }));
  const equity = portfolio.equity();
  return {
    time: now,
    steps: session.steps,
    equity,
    cash: portfolio.cash,
    initialCash: portfolio.initialCash,
    returnPct: (equity / portfolio.initialCash - 1) * 100,
    positions,
    openOrders: session.engine.orders.open().length,
    halted: session.engine.halted ? session.engine.haltReason : null,
    feeds: session.monitor.health(),
    storeHealthy: session.storeHealthy,
    lastDecisions: session.recentDecisions.slice(-3),
  };
}

const money = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const hhmm = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/** A compact, plain-text status block (about six lines) for the terminal. */
export function formatSessionStatus(status: SessionStatus, header: string): string {
  const sign = status.returnPct >= 0 ? "+" : "";
  const lines = [
    `${header} · ${hhmm(status.time)} UTC · step ${status.steps}`,
    `  equity ${money(status.equity)} (${sign}${status.returnPct.toFixed(2)} %) · cash ${money(status.cash)} · open orders ${status.openOrders} · shield ${status.halted ? `HALTED: ${status.halted}` : "ok"}${status.storeHealthy ? "" : " · STORE DOWN: no new entries"}`,
  ];
  if (status.positions.length === 0) lines.push("  positions: none");
  for (const p of status.positions) {
    const pnl = p.unrealizedPnl >= 0 ? `+${money(p.unrealizedPnl)}` : money(p.unrealizedPnl);
    lines.push(`  ${p.symbol} ${p.side} ${p.quantity} @ ${money(p.entryPrice)} → ${money(p.markPrice)} (${pnl})`);
  }
  for (const d of status.lastDecisions) lines.push(`  ${hhmm(d.time)} ${d.symbol} ${d.action} → ${describeOutcome(d)}`);
  const sick = Object.entries(status.feeds).filter(([, f]) => !f.healthy);
  lines.push(
    sick.length === 0
      ? `  feeds: ${Object.keys(status.feeds).length} healthy`
      : `  feeds: ${sick.map(([s, f]) => `${s} ${f.problems.join(", ")}`).join("; ")}`,
  );
  return lines.join("\n");
}

/** "orders sent (entry: fast crossed above slow)" or "rejected by max-position: …". */
export function describeOutcome(d: DecisionRecord): string {
  if (d.outcome === "rejected") {
    const denial = d.risk.flatMap((r) => r.verdicts).find((v) => v.verdict === "deny" || v.verdict === "halt");
    return denial ? `rejected by ${denial.layer}: ${denial.reason}` : "rejected";
  }
  if (d.outcome === "orders-sent") {
    const scaled = d.risk.flatMap((r) => r.verdicts).filter((v) => v.verdict === "scale");
    const note = scaled.length > 0 ? `; resized by ${scaled.map((v) => v.layer).join(", ")}` : "";
    return `orders sent (${d.reason}${note})`;
  }
  if (d.outcome === "vetoed") return `held (${d.reason})`;
  return `nothing to do (${d.reason})`;
}
