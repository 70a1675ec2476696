import type { Candle } from "../../domain/candles.js";
import type { Instrument } from "../../domain/instrument.js";
import type { Timeframe } from "../../domain/timeframe.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { Portfolio, type PortfolioSnapshot } from "../../execution/portfolio.js";
import {
  SimulatedBroker,
  type SimulatedBrokerOptions,
  type SimulatedVenueSnapshot,
} from "../../execution/simulated-broker.js";
import type { PositionManager } from "../../risk/position/types.js";
import type { RiskShield } from "../../risk/shield.js";
import type { Strategy } from "../../strategy/strategy.js";
import { Engine } from "../engine.js";
import type { EventBus } from "../events.js";
import { type ClosedBar, LiveRunner } from "../live-runner.js";
import type { ShadowSignificance } from "./promotion.js";
import {
  judgePromotion,
  type PromotionRule,
  type PromotionVerdict,
  ReturnTracker,
  type ReturnTrackerState,
} from "./promotion.js";

export interface ShadowMarket {
  readonly symbol: string;
  readonly instrument: Instrument;
}

export interface ShadowCandidate {
  /** Strategy id (the store's), carried into every report. */
  readonly id: string;
  readonly strategy: Strategy;
  /** AlphaWEEX runs shadows at 2x: a candidate must hold up with leverage before it may trade at 1x. */
  readonly leverage?: number;
}

export interface ShadowOptions {
  readonly markets: readonly ShadowMarket[];
  readonly timeframe: Timeframe;
  /** Each shadow starts with this much paper cash (the live account's starting cash, so ROIs compare). */
  readonly cash: number;
  /** The live session's fill model, so a shadow pays the same fees and slippage. */
  readonly simulated?: SimulatedBrokerOptions;
  /** A fresh shield per shadow, built from the live configuration: same layers, its own state and latches. */
  readonly buildShield?: () => RiskShield;
  readonly buildPositionManager?: () => PositionManager | undefined;
  readonly rule?: Partial<PromotionRule>;
  /** Bars per year of the timeframe (for Sharpe): 8760 for 1h. */
  readonly periodsPerYear: number;
}

export interface ShadowReport {
  readonly id: string;
  readonly iterations: number;
  readonly equity: number;
  readonly roi: number;
  readonly sharpe: number | null;
  readonly liveRoi: number;
  readonly liveSharpe: number | null;
  readonly verdict: PromotionVerdict;
  /** The paired test against live (set by whoever holds the stored daily equity); null until it can be run. */
  readonly pValue: number | null;
  readonly pairedDays: number;
}

/**
 * What a restart needs to continue a candidate where it stood: its account, its simulated venue (working orders,
 * attached exits), its return trackers and where it was in the bars. Plain JSON.
 */
export interface ShadowSnapshot {
  readonly portfolio: PortfolioSnapshot;
  readonly venue: SimulatedVenueSnapshot;
  /** The last bar of each symbol and its index in the history of the time, to re-align indices on restore. */
  readonly bars: Readonly<Record<string, { readonly index: number; readonly time: number }>>;
  readonly returns: ReturnTrackerState;
  readonly live: ReturnTrackerState;
  readonly liveStart: number | null;
  readonly lastReady: boolean;
  readonly exitSequence: number;
}

interface Shadow {
  readonly candidate: ShadowCandidate;
  readonly engine: Engine;
  readonly broker: () => SimulatedBroker;
  /** The exit-order counter: restored with the snapshot so ids of restored and new exits never collide. */
  readonly exitSequence: { value: number };
  readonly runner: LiveRunner;
  readonly returns: ReturnTracker;
  /** The live account over the same steps as this shadow (from when it was added), so the two compare. */
  readonly live: ReturnTracker;
  liveStart: number | undefined;
  /** The verdict last published, so a promotion alert is raised once per change, not on every bar. */
  lastReady: boolean;
}

/**
 * Candidates trading in memory beside the live strategy, on the same closed bars, each with its own paper
 * portfolio and its own copy of the risk shield (AlphaWEEX's shadow engine). Nothing here reaches a venue. After
 * each step it compares each candidate with the live account; when one qualifies (see promotion.ts) it says so
 * (ALERT on the bus) — promoting it is a person's decision, never this class's.
 */
export class ShadowEngine {
  readonly #options: ShadowOptions;
  readonly #shadows = new Map<string, Shadow>();
  readonly #rule: Partial<PromotionRule>;
  readonly #bus: EventBus | undefined;
  readonly #history = new Map<string, Candle[]>();
  readonly #significance = new Map<string, ShadowSignificance>();

  constructor(options: ShadowOptions, bus?: EventBus) {
    if (options.markets.length === 0) throw new RangeError("a shadow engine needs at least one market");
    this.#options = options;
    this.#rule = options.rule ?? {};
    this.#bus = bus;
  }

  get candidates(): readonly string[] {
    return [...this.#shadows.keys()];
  }

  /** Adds a candidate; it is warmed on the bars seen so far, so it can trade from the next step. */
  add(candidate: ShadowCandidate): void {
    if (this.#shadows.has(candidate.id)) throw new RangeError(`shadow ${candidate.id} is already running`);
    const o = this.#options;
    const portfolio = new Portfolio(o.cash);
    const shield = o.buildShield?.();
    const positionManager = o.buildPositionManager?.();
    const exitSequence = { value: 0 };
    let broker: SimulatedBroker | undefined;
    const engine = new Engine({
      portfolio,
      createBroker: (listener) => {
        broker = new SimulatedBroker(portfolio, listener, {
          ...o.simulated,
          exitOrderId: (_symbol, kind) => `shadow-${candidate.id}-${kind}-${++exitSequence.value}`,
        });
        return broker;
      },
      ...(shield ? { shield } : {}),
      ...(positionManager ? { positionManager } : {}),
      runId: `shadow-${candidate.id}`,
      recordDecisions: false,
    });
    const runner = new LiveRunner(engine);
    for (const market of o.markets) {
      runner.addSlot({
        symbol: market.symbol,
        timeframe: o.timeframe,
        strategy: candidate.strategy,
        instrument: market.instrument,
        leverage: candidate.leverage ?? 2,
      });
      for (const bar of this.#history.get(market.symbol) ?? []) runner.warm(market.symbol, bar);
    }
    this.#shadows.set(candidate.id, {
      candidate,
      engine,
      broker: () => broker as SimulatedBroker,
      exitSequence,
      runner,
      returns: new ReturnTracker(o.periodsPerYear),
      live: new ReturnTracker(o.periodsPerYear),
      liveStart: undefined,
      lastReady: false,
    });
  }

  /** The state of a candidate after the last step, for the store (see ShadowSnapshot). */
  snapshot(id: string): ShadowSnapshot {
    const shadow = this.#get(id);
    const bars: Record<string, { index: number; time: number }> = {};
    for (const market of this.#options.markets) {
      const time = shadow.runner.lastBarTime(market.symbol);
      if (time !== undefined) bars[market.symbol] = { index: shadow.runner.indexOf(market.symbol, time), time };
    }
    return {
      portfolio: shadow.engine.portfolio.snapshot(),
      venue: shadow.broker().snapshot(),
      bars,
      returns: shadow.returns.state(),
      live: shadow.live.state(),
      liveStart: shadow.liveStart ?? null,
      lastReady: shadow.lastReady,
      exitSequence: shadow.exitSequence.value,
    };
  }

  /**
   * Puts a candidate added (and warmed) since the restart back where `snapshot` left it. Bar indices in the
   * snapshot count from the old history's start; they are re-aligned on the bars warmed now.
   */
  restore(id: string, saved: ShadowSnapshot): void {
    const shadow = this.#get(id);
    const shift = (symbol: string): number => {
      const bar = saved.bars[symbol];
      if (!bar) return 0;
      const index = shadow.runner.indexOf(symbol, bar.time);
      return index < 0 ? 0 : index - bar.index;
    };
    shadow.engine.portfolio.load(saved.portfolio, shift);
    shadow.broker().restore(saved.venue, shift);
    shadow.returns.load(saved.returns);
    shadow.live.load(saved.live);
    shadow.liveStart = saved.liveStart ?? undefined;
    shadow.lastReady = saved.lastReady;
    shadow.exitSequence.value = saved.exitSequence;
    // Positions are valued at the last warmed close, as they were at the end of a step.
    for (const slot of shadow.engine.slots) {
      const series = slot.series();
      if (series.length > 0)
        shadow.engine.portfolio.mark(slot.config.symbol, series.close[series.length - 1] as number);
    }
  }

  /** The trades a candidate closed since the last call (they leave its portfolio's list). */
  takeTrades(id: string): ClosedTrade[] {
    return this.#get(id).engine.portfolio.trades.splice(0);
  }

  #get(id: string): Shadow {
    const shadow = this.#shadows.get(id);
    if (!shadow) throw new RangeError(`no shadow ${id}`);
    return shadow;
  }

  remove(id: string): boolean {
    this.#significance.delete(id);
    return this.#shadows.delete(id);
  }

  /** History before the first live step (the session's warm-up), given to every shadow added later too. */
  warm(symbol: string, bar: Candle): void {
    const bars = this.#history.get(symbol) ?? [];
    bars.push(bar);
    // Enough for any indicator a candidate may declare; older bars are never needed.
    if (bars.length > 2000) bars.shift();
    this.#history.set(symbol, bars);
    for (const shadow of this.#shadows.values()) shadow.runner.warm(symbol, bar);
  }

  /**
   * One time step: the closed bars the live session just traded and the live account's equity after it. Every
   * shadow trades the same bars; then each is compared with the live account.
   */
  onStep(bars: readonly ClosedBar[], liveEquity: number, time: number): ShadowReport[] {
    for (const { symbol, bar } of bars) {
      const history = this.#history.get(symbol) ?? [];
      history.push(bar);
      if (history.length > 2000) history.shift();
      this.#history.set(symbol, history);
    }
    const reports: ShadowReport[] = [];
    for (const shadow of this.#shadows.values()) {
      shadow.runner.onStep(bars);
      shadow.liveStart ??= liveEquity;
      shadow.live.add(liveEquity);
      const equity = shadow.engine.portfolio.equity();
      shadow.returns.add(equity);
      const report = this.#report(shadow, equity, liveEquity);
      if (report.verdict.ready !== shadow.lastReady) {
        shadow.lastReady = report.verdict.ready;
        if (report.verdict.ready && this.#bus?.has("ALERT")) {
          this.#bus.publish("ALERT", {
            time,
            level: "info",
            message: `strategy ${shadow.candidate.id} is ready for approval: ${report.verdict.reason}`,
            kind: "strategy-approval",
          });
        }
      }
      reports.push(report);
    }
    return reports;
  }

  /**
   * The latest paired test of a candidate against live (shadow-significance.ts). The engine keeps only a step's
   * returns, not daily equity, so the runner that stores the equity computes it and hands it here; the promotion
   * rule then judges with it from the next step on.
   */
  setSignificance(id: string, significance: ShadowSignificance): void {
    if (this.#shadows.has(id)) this.#significance.set(id, significance);
  }

  /** The test last handed to `setSignificance` for this candidate, if any. */
  significance(id: string): ShadowSignificance | undefined {
    return this.#significance.get(id);
  }

  reports(liveEquity: number): ShadowReport[] {
    return [...this.#shadows.values()].map((s) => this.#report(s, s.engine.portfolio.equity(), liveEquity));
  }

  #report(shadow: Shadow, equity: number, liveEquity: number): ShadowReport {
    const sharpe = shadow.returns.sharpe();
    const liveSharpe = shadow.live.sharpe();
    const significance = this.#significance.get(shadow.candidate.id);
    const pValue = significance?.pValue ?? null;
    return {
      id: shadow.candidate.id,
      iterations: shadow.returns.count,
      equity,
      roi: equity / this.#options.cash - 1,
      sharpe,
      liveRoi: liveEquity / (shadow.liveStart ?? liveEquity) - 1,
      liveSharpe,
      verdict: judgePromotion(
        {
          iterations: shadow.returns.count,
          sharpe,
          liveSharpe,
          ...(significance ? { pValue } : {}),
          ...(significance?.pending ? { pending: significance.pending } : {}),
        },
        this.#rule,
      ),
      pValue,
      pairedDays: significance?.days ?? 0,
    };
  }
}
