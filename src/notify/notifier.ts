import type { Clock } from "../domain/clock.js";
import type { ClosedTrade } from "../domain/trade.js";
import type { EventBus } from "../engine/events.js";
import type { Alert, AlertKind } from "./alert.js";
import type { ChannelHealth, ChannelQueue, NotifyLogger } from "./channel-queue.js";
import { busAlert, fillAlert, type KeyedAlert, killSwitchAlert, rejectionAlert } from "./event-alerts.js";
import { type ScheduleOptions, startSchedules } from "./schedules.js";

/** What the runtime tells the notifier for its timed reports. */
export interface ReportSource {
  /** The status block (equity, positions, shield, feeds), as the terminal shows it. */
  status(): string;
  /** Equity now, for the daily change. */
  equity(): number;
}

export interface NotifierChannel {
  readonly queue: ChannelQueue;
  /** Kinds this channel takes (default: all). */
  readonly kinds?: ReadonlySet<AlertKind>;
}

export interface NotifierOptions {
  readonly channels: readonly NotifierChannel[];
  readonly clock: Clock;
  readonly logger: NotifyLogger;
  readonly reports?: ReportSource;
  /** An alert with the same key as one sent within this window is counted, not sent again (default 15 min). */
  readonly repeatMs?: number;
  readonly schedule?: ScheduleOptions;
}

/** Alerts as the readiness check sees them: off (and why), or each channel's health. */
export interface AlertsHealth {
  readonly enabled: boolean;
  readonly note?: string;
  readonly channels: readonly ChannelHealth[];
  /** Alerts not sent because the same one went out within the repeat window. */
  readonly repeatsSuppressed: number;
}

interface DayCounters {
  since: number;
  equityAtStart: number | undefined;
  fills: number;
  rejections: number;
  killSwitches: number;
  feedProblems: number;
  errors: number;
  closedTrades: number;
  wins: number;
  realizedPnl: number;
}

const money = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * Turns engine events into alerts and hands them to every channel that takes their kind. Each channel's queue
 * returns at once, so a bus subscriber here costs the decision path an object and an array push, whatever the
 * network does. Also runs the daily summary, the hourly status and the heartbeat on the injected clock.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #lastSent = new Map<string, number>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #startedAt: number;
  #cancelSchedules: (() => void) | undefined;
  #repeatsSuppressed = 0;
  #day: DayCounters;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#startedAt = options.clock.now();
    this.#day = this.#freshDay();
  }

  get enabled(): boolean {
    return this.#options.channels.length > 0;
  }

  /** Subscribes to the engine's events. */
  attach(bus: EventBus): void {
    this.#unsubscribe.push(
      bus.on("ORDER_FILLED", (e) => {
        this.#day.fills++;
        this.#raise(fillAlert(e));
      }),
      bus.on("SIGNAL_REJECTED", (e) => {
        this.#day.rejections++;
        this.#raise(rejectionAlert(e));
      }),
      bus.on("KILL_SWITCH", (e) => {
        this.#day.killSwitches++;
        this.#raise(killSwitchAlert(e));
      }),
      bus.on("ALERT", (e) => {
        const keyed = busAlert(e);
        if (keyed.alert.kind === "feed") this.#day.feedProblems++;
        if (keyed.alert.kind === "error") this.#day.errors++;
        this.#raise(keyed);
      }),
    );
  }

  /** Starts the daily summary, hourly status and heartbeat timers. */
  startSchedules(): void {
    if (!this.enabled || this.#cancelSchedules) return;
    this.#cancelSchedules = startSchedules(this.#options.clock, this.#options.schedule ?? {}, {
      daily: () => this.raise(this.dailySummary()),
      hourly: () => this.raise(this.#statusAlert("hourly-status", "hourly status")),
      heartbeat: () => this.raise(this.#heartbeat()),
    });
  }

  /**
   * Sends an alert that does not come from the bus (an error of the runtime, a reconciliation difference, a strategy
   * waiting for approval). `key`: repeats within the window are counted, not sent.
   */
  raise(alert: Alert, key?: string): void {
    if (alert.kind === "error") this.#day.errors++;
    this.#raise(key === undefined ? { alert } : { alert, key });
  }

  /** Closed trades of a committed step, for the daily summary. */
  noteClosedTrades(trades: readonly ClosedTrade[]): void {
    for (const t of trades) {
      this.#day.closedTrades++;
      if (t.netPnl > 0) this.#day.wins++;
      this.#day.realizedPnl += t.netPnl;
    }
  }

  health(): AlertsHealth {
    const channels = this.#options.channels.map((c) => c.queue.health());
    return this.enabled
      ? { enabled: true, channels, repeatsSuppressed: this.#repeatsSuppressed }
      : { enabled: false, note: "alerts off: no channel configured", channels, repeatsSuppressed: 0 };
  }

  /** The summary of the day so far, then counters start again. */
  dailySummary(): Alert {
    const d = this.#day;
    const now = this.#options.clock.now();
    const equity = this.#options.reports?.equity();
    const lines = [
      `fills ${d.fills} · closed trades ${d.closedTrades} (${d.wins} won) · realized P&L ${money(d.realizedPnl)}`,
      `risk rejections ${d.rejections} · kill switch ${d.killSwitches} · feed problems ${d.feedProblems} · errors ${d.errors}`,
    ];
    if (equity !== undefined && d.equityAtStart !== undefined && d.equityAtStart > 0) {
      const change = equity - d.equityAtStart;
      lines.unshift(
        `equity ${money(equity)} (${change >= 0 ? "+" : ""}${money(change)}, ${((change / d.equityAtStart) * 100).toFixed(2)} % since ${new Date(d.since).toISOString().slice(0, 16)} UTC)`,
      );
    }
    const status = this.#options.reports?.status();
    if (status) lines.push("", status);
    this.#day = this.#freshDay();
    return { kind: "daily-summary", level: "info", time: now, title: "daily summary", text: lines.join("\n") };
  }

  /** Stops the timers and the subscriptions, then gives each channel one last try at what waits. */
  async close(): Promise<void> {
    this.#cancelSchedules?.();
    for (const off of this.#unsubscribe.splice(0)) off();
    await Promise.all(this.#options.channels.map((c) => c.queue.close()));
  }

  #raise({ alert, key }: KeyedAlert): void {
    if (!this.enabled) return;
    if (key !== undefined) {
      // The notifier's clock, not the event's time: a fast simulated market must not make repeats more frequent.
      const now = this.#options.clock.now();
      const last = this.#lastSent.get(key);
      const repeatMs = this.#options.repeatMs ?? 15 * 60_000;
      if (last !== undefined && now - last < repeatMs) {
        this.#repeatsSuppressed++;
        return;
      }
      this.#lastSent.set(key, now);
      if (this.#lastSent.size > 1000) this.#forgetOld(now - repeatMs);
    }
    for (const channel of this.#options.channels)
      if (!channel.kinds || channel.kinds.has(alert.kind)) channel.queue.enqueue(alert);
  }

  #forgetOld(before: number): void {
    for (const [key, time] of this.#lastSent) if (time < before) this.#lastSent.delete(key);
  }

  #statusAlert(kind: AlertKind, title: string): Alert {
    return {
      kind,
      level: "info",
      time: this.#options.clock.now(),
      title,
      text: this.#options.reports?.status() ?? "no status source",
    };
  }

  #heartbeat(): Alert {
    const now = this.#options.clock.now();
    const upMinutes = Math.floor((now - this.#startedAt) / 60_000);
    const channels = this.#options.channels.map((c) => {
      const h = c.queue.health();
      return `${h.channel} ${h.healthy ? "ok" : "failing"} (sent ${h.sent}, dropped ${h.dropped})`;
    });
    return {
      kind: "heartbeat",
      level: "info",
      time: now,
      title: `heartbeat: running for ${Math.floor(upMinutes / 60)} h ${upMinutes % 60} min`,
      text: `alert channels: ${channels.join(", ")}`,
    };
  }

  #freshDay(): DayCounters {
    return {
      since: this.#options.clock.now(),
      equityAtStart: this.#options.reports?.equity(),
      fills: 0,
      rejections: 0,
      killSwitches: 0,
      feedProblems: 0,
      errors: 0,
      closedTrades: 0,
      wins: 0,
      realizedPnl: 0,
    };
  }
}
