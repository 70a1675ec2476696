import { loadConfig } from "../../config/load-config.js";
import { marketOfSymbol, marketSummary } from "../../engine/trading/session-status.js";
import type { SessionState } from "../../engine/trading/session-store.js";
import { readKillSwitchLatch } from "../../risk/guards/kill-switch.js";
import { openStore } from "../../store/open-store.js";
import { openRiskState } from "../../store/risk-state.js";
import { riskStoreUrl } from "./risk.js";
import { formatAiStatus, savedAiStatus } from "./trade-sources.js";

const iso = (t: number) => new Date(t).toISOString().slice(0, 19).replace("T", " ");
const money = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * `aegis status`: what every trading session in the store holds and last did, read from the store (so it works
 * while the bot runs, after it stopped, and from another machine on PostgreSQL): equity, positions, the shield's
 * latches, the last decisions and the health of feeds as the last events recorded it.
 */
export async function statusCommand(
  options: { store?: string; session?: string; json?: boolean },
  globals: { config?: string },
): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  const store = await openStore(options.store ?? riskStoreUrl(config), { mustExist: true });
  try {
    let query = store.db.selectFrom("tradingSessions").selectAll().orderBy("updatedAt", "desc");
    if (options.session) query = query.where("session", "=", options.session);
    const sessions = await query.execute();
    const risk = await openRiskState(store);
    const kill = readKillSwitchLatch(risk);
    const report = [];
    for (const row of sessions) {
      const state = JSON.parse(row.state) as SessionState;
      const decisions = await store.db
        .selectFrom("decisions")
        .select(["time", "symbol", "action", "outcome", "reason"])
        .where("decisionKey", "like", `${row.session}|%`)
        .orderBy("time", "desc")
        .limit(5)
        .execute();
      const feedEvents = await store.db
        .selectFrom("events")
        .select(["time", "kind", "detail"])
        .where("source", "=", `session:${row.session}`)
        .where("kind", "in", ["FEED_PROBLEM", "FEED_RECOVERED", "FEED_DISCONNECTED", "FEED_CONNECTED"])
        .orderBy("id", "desc")
        .limit(5)
        .execute();
      // Net P&L of the session's closed trades per symbol, and the feed problems still open per symbol.
      const realizedRows = await store.db
        .selectFrom("trades")
        .select(["symbol", "pnl"])
        .where("strategyId", "=", row.session)
        .execute();
      const realizedBySymbol = new Map<string, number>();
      for (const r of realizedRows) realizedBySymbol.set(r.symbol, (realizedBySymbol.get(r.symbol) ?? 0) + r.pnl);
      const problemEvents = await store.db
        .selectFrom("events")
        .select(["kind", "detail"])
        .where("source", "=", `session:${row.session}`)
        .where("kind", "in", ["FEED_PROBLEM", "FEED_RECOVERED"])
        .orderBy("id", "asc")
        .execute();
      const openProblems = new Map<string, string[]>();
      for (const e of problemEvents) {
        const d = (typeof e.detail === "string" ? JSON.parse(e.detail) : e.detail) as Record<string, unknown>;
        const symbol = String(d["symbol"]);
        const problem = String(d["problem"]);
        const open = (openProblems.get(symbol) ?? []).filter((p) => p !== problem);
        openProblems.set(symbol, e.kind === "FEED_PROBLEM" ? [...open, problem] : open);
      }
      const positions = state.portfolio.positions.map((p) => ({
        symbol: p.symbol,
        side: p.side,
        quantity: Math.abs(p.quantity),
        entryPrice: p.entryPrice,
        markPrice: p.markPrice,
        unrealizedPnl: p.quantity * (p.markPrice - p.entryPrice),
      }));
      const unrealized = positions.reduce((sum, p) => sum + p.unrealizedPnl, 0);
      const markets = marketSummary({
        symbols: [...new Set([...Object.keys(state.bars), ...positions.map((p) => p.symbol)])],
        marketOf: marketOfSymbol,
        positions,
        realized: (symbol) => realizedBySymbol.get(symbol) ?? 0,
        problems: (symbol) => openProblems.get(symbol) ?? [],
      });
      const shadows = (await store.shadow.runs({ session: row.session })).map(({ state: _state, ...run }) => run);
      report.push({
        session: row.session,
        shadows,
        lastStep: state.close,
        equity: state.portfolio.cash + unrealized,
        cash: state.portfolio.cash,
        initialCash: state.portfolio.initialCash,
        positions,
        markets,
        halted: state.haltReason,
        ...(state.learners ? { ai: savedAiStatus(state.learners) } : {}),
        decisions,
        feedEvents,
      });
    }
    await risk.close();
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ store: store.location, killSwitch: kill ?? null, sessions: report }, null, 2)}\n`,
      );
      return;
    }
    const lines = [
      `store ${store.location}`,
      `kill switch ${kill ? `TRIPPED at ${iso(kill.time)}: ${kill.reason}` : "not tripped"}`,
    ];
    if (report.length === 0)
      lines.push(
        options.session ? `no session named ${options.session}` : "no trading session yet: `aegis trade` starts one",
      );
    for (const s of report) {
      const change = (s.equity / s.initialCash - 1) * 100;
      lines.push(
        "",
        `session ${s.session} · last step ${iso(s.lastStep)} UTC${s.halted ? ` · HALTED: ${s.halted}` : ""}`,
        `  equity ${money(s.equity)} (${change >= 0 ? "+" : ""}${change.toFixed(2)} %) · P&L ${money(s.equity - s.initialCash)} · cash ${money(s.cash)}`,
        ...Object.entries(s.markets).map(
          ([name, m]) =>
            `  ${name}: ${m.openPositions}/${m.symbols.length} open · exposure ${money(m.exposure)} · P&L ${money(m.unrealizedPnl + m.realizedPnl)} (realized ${money(m.realizedPnl)}) · feeds ${m.healthy ? "healthy" : m.problems.join("; ")}`,
        ),
        ...(s.positions.length === 0
          ? ["  positions: none"]
          : s.positions.map(
              (p) =>
                `  ${p.symbol} ${p.side} ${p.quantity} @ ${money(p.entryPrice)} → ${money(p.markPrice)} (${money(p.unrealizedPnl)})`,
            )),
        ...(s.ai ? formatAiStatus(s.ai).map((line) => `  ${line}`) : []),
        ...s.decisions.map((d) => `  ${iso(d.time)} ${d.symbol} ${d.action} → ${d.outcome}: ${d.reason ?? ""}`),
        ...s.shadows.map(
          (r) =>
            `  shadow ${r.strategyId}: ROI ${(r.roi * 100).toFixed(2)} % (live ${(r.liveRoi * 100).toFixed(2)} %) · Sharpe ${r.sharpe?.toFixed(2) ?? "n/a"} (live ${r.liveSharpe?.toFixed(2) ?? "n/a"}) · p vs live ${r.pValue === null ? "n/a" : r.pValue.toPrecision(3)} over ${r.pairedDays} days · ${r.iterations} iterations · ${r.ready ? "READY for approval" : r.verdict}`,
        ),
        ...(s.feedEvents.length === 0
          ? ["  feeds: no problem recorded"]
          : s.feedEvents.map((e) => `  ${iso(e.time)} ${e.kind} ${describeFeedEvent(e.detail)}`)),
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await store.close();
  }
}

/** "BTC/USDT gap: 1 bar(s) missing …" from a stored feed event. */
function describeFeedEvent(detail: unknown): string {
  const d = (typeof detail === "string" ? JSON.parse(detail) : detail) as Record<string, unknown>;
  if (typeof d["reason"] === "string") return d["reason"];
  return [d["symbol"], d["problem"] ? `${d["problem"]}:` : "", d["detail"]].filter((x) => x).join(" ");
}
