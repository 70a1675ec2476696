import type { ClosedTrade } from "../../domain/trade.js";
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
  /** The strategy each symbol runs now (it changes when the lifecycle's live strategy does). */
  readonly strategies?: Readonly<Record<string, string>>;
  /** Per market (crypto, equities…) when the session mixes markets: one portfolio, seen market by market. */
  readonly markets?: Readonly<Record<string, MarketStatus>>;
  /** The learners' view (allocator weights, online learner, pattern memory) when the session has learners. */
  readonly learners?: Readonly<Record<string, unknown>>;
}

export interface MarketStatus {
  readonly symbols: readonly string[];
  readonly openPositions: number;
  /** Σ |quantity × mark| of the market's positions. */
  readonly exposure: number;
  readonly unrealizedPnl: number;
  /** Net P&L of the trades closed in this market since the process started (fees and funding included). */
  readonly realizedPnl: number;
  readonly healthy: boolean;
  readonly problems: readonly string[];
}

/** The market of a session symbol: crypto pairs are BASE/QUOTE, stocks and ETFs bare tickers (AAPL). */
export function marketOfSymbol(symbol: string): string {
  return symbol.includes("/") ? "crypto" : "equities";
}

/** One portfolio seen market by market: positions, exposure, P&L and feed health of each market's symbols. */
export function marketSummary(input: {
  readonly symbols: readonly string[];
  readonly marketOf: (symbol: string) => string;
  readonly positions: readonly { symbol: string; quantity: number; markPrice: number; unrealizedPnl: number }[];
  readonly realized: (symbol: string) => number;
  readonly problems: (symbol: string) => readonly string[];
}): Record<string, MarketStatus> {
  const markets: Record<string, MarketStatus> = {};
  for (const symbol of input.symbols) {
    const name = input.marketOf(symbol);
    const m = markets[name] ?? {
      symbols: [],
      openPositions: 0,
      exposure: 0,
      unrealizedPnl: 0,
      realizedPnl: 0,
      healthy: true,
      problems: [],
    };
    const p = input.positions.find((x) => x.symbol === symbol);
    const problems = input.problems(symbol);
    markets[name] = {
      symbols: [...m.symbols, symbol],
      openPositions: m.openPositions + (p ? 1 : 0),
      exposure: m.exposure + (p ? Math.abs(p.quantity * p.markPrice) : 0),
      unrealizedPnl: m.unrealizedPnl + (p?.unrealizedPnl ?? 0),
      realizedPnl: m.realizedPnl + input.realized(symbol),
      healthy: m.healthy && problems.length === 0,
      problems: [...m.problems, ...problems.map((x) => `${symbol} ${x}`)],
    };
  }
  return markets;
}

/** Net P&L of closed trades per symbol, fed by the runtime after each committed step. */
export class RealizedBySymbol {
  readonly #pnl = new Map<string, number>();
  add(trades: readonly ClosedTrade[]): void {
    for (const t of trades) this.#pnl.set(t.symbol, (this.#pnl.get(t.symbol) ?? 0) + t.netPnl);
  }
  of(symbol: string): number {
    return this.#pnl.get(symbol) ?? 0;
  }
}

/**
 * The status of `session` at `now`; with `marketOf` (symbol → market), also one line per market: exposure,
 * unrealized and realized P&L (from `realized`), and feed health.
 */
export function sessionStatus(
  session: TradingSession,
  now: number,
  marketOf?: Readonly<Record<string, string>>,
  realized?: RealizedBySymbol,
): SessionStatus {
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
  const feeds = session.monitor.health();
  const markets = marketOf
    ? marketSummary({
        symbols: session.options.slots.map((slot) => slot.symbol),
        marketOf: (symbol) => marketOf[symbol] ?? marketOfSymbol(symbol),
        positions,
        realized: (symbol) => realized?.of(symbol) ?? 0,
        problems: (symbol) => feeds[symbol]?.problems ?? [],
      })
    : undefined;
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
    feeds,
    storeHealthy: session.storeHealthy,
    lastDecisions: session.recentDecisions.slice(-3),
    strategies: session.runningStrategies,
    ...(session.options.learning?.status ? { learners: session.options.learning.status() } : {}),
    ...(markets ? { markets } : {}),
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
  const running = Object.entries(status.strategies ?? {});
  if (running.length > 0) lines.push(`  strategy ${running.map(([symbol, name]) => `${symbol} ${name}`).join(" · ")}`);
  if (status.positions.length === 0) lines.push("  positions: none");
  for (const p of status.positions) {
    const pnl = p.unrealizedPnl >= 0 ? `+${money(p.unrealizedPnl)}` : money(p.unrealizedPnl);
    lines.push(`  ${p.symbol} ${p.side} ${p.quantity} @ ${money(p.entryPrice)} → ${money(p.markPrice)} (${pnl})`);
  }
  for (const [name, m] of Object.entries(status.markets ?? {})) {
    const pnl = m.unrealizedPnl + m.realizedPnl;
    lines.push(
      `  ${name}: ${m.openPositions}/${m.symbols.length} open · exposure ${money(m.exposure)} · P&L ${pnl >= 0 ? "+" : ""}${money(pnl)} (realized ${money(m.realizedPnl)}) · ${m.healthy ? "healthy" : m.problems.join("; ")}`,
    );
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
