import type { Candle } from "../../domain/candles.js";
import type { Instrument } from "../../domain/instrument.js";
import type { Timeframe } from "../../domain/timeframe.js";
import { Portfolio } from "../../execution/portfolio.js";
import { SimulatedBroker, type SimulatedBrokerOptions } from "../../execution/simulated-broker.js";
import type { PositionManager } from "../../risk/position/types.js";
import type { RiskShield } from "../../risk/shield.js";
import type { Strategy } from "../../strategy/strategy.js";
import { Engine } from "../engine.js";
import type { EventBus } from "../events.js";
import { type ClosedBar, LiveRunner } from "../live-runner.js";
import { judgePromotion, type PromotionRule, type PromotionVerdict, ReturnTracker } from "./promotion.js";

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
}

interface Shadow {
  readonly candidate: ShadowCandidate;
  readonly engine: Engine;
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
    const engine = new Engine({
      portfolio,
      createBroker: (listener) =>
        new SimulatedBroker(portfolio, listener, { ...o.simulated, exitOrderId: exitIds(candidate.id) }),
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
      runner,
      returns: new ReturnTracker(o.periodsPerYear),
      live: new ReturnTracker(o.periodsPerYear),
      liveStart: undefined,
      lastReady: false,
    });
  }

  remove(id: string): boolean {
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

  reports(liveEquity: number): ShadowReport[] {
    return [...this.#shadows.values()].map((s) => this.#report(s, s.engine.portfolio.equity(), liveEquity));
  }

  #report(shadow: Shadow, equity: number, liveEquity: number): ShadowReport {
    const sharpe = shadow.returns.sharpe();
    const liveSharpe = shadow.live.sharpe();
    return {
      id: shadow.candidate.id,
      iterations: shadow.returns.count,
      equity,
      roi: equity / this.#options.cash - 1,
      sharpe,
      liveRoi: liveEquity / (shadow.liveStart ?? liveEquity) - 1,
      liveSharpe,
      verdict: judgePromotion({ iterations: shadow.returns.count, sharpe, liveSharpe }, this.#rule),
    };
  }
}

function exitIds(id: string): (symbol: string, kind: "exit" | "time-exit") => string {
  let n = 0;
  return (_symbol, kind) => `shadow-${id}-${kind}-${++n}`;
}
