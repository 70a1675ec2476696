import type { Clock } from "../domain/clock.js";
import { formatSessionStatus, sessionStatus } from "../engine/trading/session-status.js";
import type { EmergencyStopRequest, TradingSession } from "../engine/trading/trading-session.js";
import type { TradeRecord } from "../store/repositories/trades-positions.js";
import type { ReportSource } from "./notifier.js";
import type { TradingControl } from "./telegram-commands.js";

export interface SessionControlParts {
  readonly session: TradingSession;
  readonly clock: Clock;
  /** First line of the status block ("Aegis paper · sim · 1m"). */
  readonly header: string;
  /** Leaves the request where `aegis stop` leaves it (the store latch the session reads after each step). */
  readonly requestStop: (request: EmergencyStopRequest) => Promise<void>;
  readonly recentTrades: (limit: number) => Promise<readonly TradeRecord[]>;
}

const money = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signed = (x: number) => (x >= 0 ? `+${money(x)}` : money(x));
const hhmm = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/** The Telegram commands (and the timed reports) of a running `aegis trade` session. */
export function sessionControl(parts: SessionControlParts): TradingControl & ReportSource {
  const { session } = parts;
  const started = () => session.engine !== undefined;
  return {
    status() {
      if (!started()) return "starting: warming up, no step traded yet";
      const text = formatSessionStatus(sessionStatus(session, parts.clock.now()), parts.header);
      return session.paused ? `${text}\n  new entries PAUSED by ${session.paused.by}` : text;
    },
    equity: () => (started() ? session.portfolio.equity() : session.options.cash),
    balance() {
      if (!started()) return "starting: no balance yet";
      const s = sessionStatus(session, parts.clock.now());
      const lines = [
        `equity ${money(s.equity)} (${s.returnPct >= 0 ? "+" : ""}${s.returnPct.toFixed(2)} % on ${money(s.initialCash)})`,
        `cash ${money(s.cash)}`,
      ];
      for (const p of s.positions)
        lines.push(
          `${p.symbol} ${p.side} ${p.quantity} · value ${money(p.quantity * p.markPrice)} · unrealized ${signed(p.unrealizedPnl)}`,
        );
      if (s.positions.length === 0) lines.push("no open position");
      return lines.join("\n");
    },
    async trades(limit) {
      const trades = await parts.recentTrades(limit);
      if (trades.length === 0) return "no closed trade yet";
      return trades
        .map(
          (t) =>
            `${hhmm(t.exitTime)} ${t.symbol} ${t.side} ${t.qty} ${money(t.entryPrice)} → ${money(t.exitPrice)} ${signed(t.pnl)}${t.exitReason ? ` (${t.exitReason})` : ""}`,
        )
        .join("\n");
    },
    async stop(by) {
      await parts.requestStop({ by, reason: "emergency stop from Telegram", flatten: false });
      return `stop requested by ${by}: after its current step the bot halts (orders that would open risk are cancelled) and exits; positions stay open (aegis stop --flatten closes them)`;
    },
    pause(by) {
      if (!started()) return "starting: try again once the first step is traded";
      session.pause(by, "paused from Telegram");
      return "new entries paused; exits, stops and take-profits go on. /resume undoes it.";
    },
    resume(by) {
      if (!started()) return "starting: nothing to resume";
      if (!session.resume(by, "resumed from Telegram")) return "new entries were not paused";
      return "new entries allowed again";
    },
  };
}
