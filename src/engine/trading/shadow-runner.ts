import { candleAt } from "../../domain/candles.js";
import type { StrategyStatus } from "../../domain/strategy-status.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { transitionFigures } from "../../domain/transition-evidence.js";
import type { SimulatedBrokerOptions } from "../../execution/simulated-broker.js";
import type { RiskShield } from "../../risk/shield.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { MoveOptions } from "../lifecycle/strategy-lifecycle.js";
import { attachShadow } from "../shadow/attach-shadow.js";
import {
  judgePromotion,
  type PromotionRule,
  type PromotionVerdict,
  type ShadowSignificanceTest,
} from "../shadow/promotion.js";
import { ShadowEngine, type ShadowReport, type ShadowSnapshot } from "../shadow/shadow-engine.js";
import type { SessionStore } from "./session-store.js";
import type { TradingSession } from "./trading-session.js";

/** A stored strategy the runner may shadow: its lifecycle id and its spec (data, compiled, never executed). */
export interface ShadowStrategy {
  readonly id: string;
  readonly spec: unknown;
}

/** Where the shadow candidates come from: the lifecycle's strategies (the store's StrategiesRepository is one). */
export interface ShadowStrategySource {
  list(status: StrategyStatus): Promise<readonly ShadowStrategy[]>;
}

/** The lifecycle move the runner makes: shadow → awaiting-approval, by the machine, never further. */
export interface ShadowLifecycle {
  move(id: string, to: StrategyStatus, options: MoveOptions): Promise<unknown>;
}

/** A shadow candidate's figures after one committed step, and the state a restart resumes it from. */
export interface ShadowRunRecord {
  readonly session: string;
  readonly strategyId: string;
  /** The shadow engine's snapshot of this candidate (JSON text, opaque to the store). */
  readonly state: string;
  readonly stepClose: number;
  readonly iterations: number;
  readonly equity: number;
  readonly roi: number;
  readonly sharpe: number | null;
  readonly liveRoi: number;
  readonly liveSharpe: number | null;
  /** The promotion rule said "ready for approval" at this step. */
  readonly ready: boolean;
  /** The rule's reason, with its numbers. */
  readonly verdict: string;
  /** The paired test against live on daily returns (shadow-significance.ts): null until enough days. */
  readonly pValue: number | null;
  readonly pairedDays: number;
  readonly updatedAt: number;
}

/** A paper trade of a shadow candidate. */
export interface ShadowTradeRecord {
  /** Unique per session, candidate and trade, so a replayed step never doubles it. */
  readonly tradeId: string;
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly qty: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly pnl: number;
  readonly fees: number;
  readonly exitReason?: string;
}

/** One committed shadow step of one candidate: its run row, the trades it closed and its equity point (the store's ShadowRepository takes these). */
export interface ShadowStepRow {
  readonly run: ShadowRunRecord;
  readonly trades: readonly ShadowTradeRecord[];
  readonly liveEquity: number;
}

/** What the runner keeps in the store: one transaction per step for every candidate, and the runs to resume. */
export interface ShadowStateStore {
  commit(steps: readonly ShadowStepRow[]): Promise<void>;
  runs(filter: { session: string }): Promise<readonly { strategyId: string; state: string; stepClose: number }[]>;
  /** A candidate's stored equity beside the live account's, oldest first (the paired test's input). */
  equity(
    strategyId: string,
    session: string,
  ): Promise<readonly { readonly time: number; readonly equity: number; readonly liveEquity: number }[]>;
}

export interface ShadowRunnerOptions {
  readonly session: TradingSession;
  readonly strategies: ShadowStrategySource;
  readonly lifecycle: ShadowLifecycle;
  readonly store: ShadowStateStore;
  /** Every this many shadow steps, the lifecycle is read again (new and retired candidates) and the promotion
   * rule is applied (default 10). */
  readonly evaluateEverySteps?: number;
  /** The paired test against live on the stored equity (backtest/gates/shadow-significance.ts), injected. */
  readonly significance: ShadowSignificanceTest;
  /** The promotion rule; here a p-value against live is required unless `requireSignificance: false`. */
  readonly rule?: Partial<PromotionRule>;
  /** Leverage of every candidate (AlphaWEEX's default 2). */
  readonly leverage?: number;
  /** The live session's fill model and a fresh copy of its shield per candidate. */
  readonly simulated?: SimulatedBrokerOptions;
  readonly buildShield?: () => RiskShield;
  /** A strategy that cannot be compiled, a commit that failed: the runner goes on, the session is never stopped. */
  readonly onError?: (error: unknown, what: string) => void;
  /** A candidate was marked ready for approval (moved to awaiting-approval). */
  readonly onMarked?: (id: string, reason: string) => void;
}

/** Statuses whose strategies run in shadow: candidates, and those that qualified and wait for a person. */
const SHADOWED: readonly StrategyStatus[] = ["shadow", "awaiting-approval"];

/**
 * Runs the lifecycle's shadow candidates beside a trading session (issue 10): on the bars the session traded, once
 * each step is committed, with paper fills (nothing reaches a venue). Each step of every candidate is stored in one
 * transaction with its snapshot, so a restart (the same path as a crash) resumes each candidate from its last stored
 * step, warmed on the session's history, and a replayed step never doubles a trade. On a schedule the runner
 * re-reads the lifecycle and marks a candidate that meets the promotion rule "awaiting-approval"; promoting it
 * further is a person's move (`aegis strategies approve`).
 */
export class ShadowRunner {
  readonly #o: ShadowRunnerOptions;
  readonly #rule: Partial<PromotionRule>;
  #engine: ShadowEngine | undefined;
  #detach: (() => void) | undefined;
  #work: Promise<void> = Promise.resolve();
  #steps = 0;
  readonly #status = new Map<string, StrategyStatus>();
  /** Stored specs that do not compile: reported once. */
  readonly #broken = new Set<string>();
  #last: ShadowReport[] = [];
  /** Candidates resumed from the store at start, with the step they resumed from. */
  readonly resumed = new Map<string, number>();

  constructor(options: ShadowRunnerOptions) {
    const every = options.evaluateEverySteps ?? 10;
    if (!(Number.isInteger(every) && every >= 1))
      throw new RangeError(`shadow runner: evaluateEverySteps must be a whole number >= 1, got ${every}`);
    this.#o = options;
    this.#rule = { requireSignificance: true, ...options.rule };
  }

  /** Call after the session started: warms on its history, resumes stored candidates and follows its steps. */
  async start(): Promise<void> {
    const session = this.#o.session;
    const timeframe = session.options.timeframe;
    const engine = new ShadowEngine(
      {
        markets: session.options.slots.map((s) => ({ symbol: s.symbol, instrument: s.instrument })),
        timeframe,
        cash: session.options.cash,
        periodsPerYear: (365 * 86_400_000) / TIMEFRAMES[timeframe],
        ...(this.#o.simulated ? { simulated: this.#o.simulated } : {}),
        ...(this.#o.buildShield ? { buildShield: this.#o.buildShield } : {}),
        rule: this.#rule,
      },
      session.bus,
    );
    for (const slot of session.engine.slots) {
      const series = slot.series();
      for (let i = 0; i < series.length; i++) engine.warm(slot.config.symbol, candleAt(series, i));
    }
    this.#engine = engine;
    const stored = new Map(
      (await this.#o.store.runs({ session: session.options.session })).map((r) => [r.strategyId, r]),
    );
    await this.#sync((id) => {
      const run = stored.get(id);
      if (!run) return;
      engine.restore(id, JSON.parse(run.state) as ShadowSnapshot);
      this.resumed.set(id, run.stepClose);
    });
    // A resumed candidate is judged with its test from the first step, not only after the first evaluation.
    await this.#testAgainstLive();
    this.#detach = attachShadow(
      session.bus,
      engine,
      () => session.portfolio.equity(),
      (reports, time, liveEquity) => this.#onStep(reports, time, liveEquity),
    );
  }

  /** The candidates' figures after the last step (status display). */
  get reports(): readonly ShadowReport[] {
    return this.#last;
  }

  get candidates(): readonly string[] {
    return this.#engine?.candidates ?? [];
  }

  /** Stops following the session and waits for the last writes (call before the store closes). */
  async stop(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    await this.idle();
  }

  /** Waits until every step so far is stored and every scheduled evaluation done. */
  async idle(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.#work;
      await last;
    } while (last !== this.#work);
  }

  #onStep(reports: ShadowReport[], time: number, liveEquity: number): void {
    const engine = this.#engine as ShadowEngine;
    const session = this.#o.session.options.session;
    this.#last = reports;
    const rows = reports.map((r) => ({
      report: r,
      run: {
        session,
        strategyId: r.id,
        state: JSON.stringify(engine.snapshot(r.id)),
        stepClose: time,
        iterations: r.iterations,
        equity: r.equity,
        roi: r.roi,
        sharpe: r.sharpe,
        liveRoi: r.liveRoi,
        liveSharpe: r.liveSharpe,
        updatedAt: time,
      },
      trades: engine.takeTrades(r.id).map((t) => tradeRow(session, r.id, t)),
      liveEquity,
    }));
    this.#steps++;
    const evaluate = this.#steps % (this.#o.evaluateEverySteps ?? 10) === 0;
    this.#work = this.#work
      .then(async () => {
        // Judged here, in step order, with the test of the last evaluation before this step: what a row says
        // does not depend on how far the session ran ahead of its writes.
        const judged: ShadowStepRow[] = rows.map(({ report, run, trades, liveEquity }) => {
          const j = this.#judge(report);
          return { run: { ...run, ready: j.verdict.ready, verdict: j.verdict.reason, ...j.test }, trades, liveEquity };
        });
        if (judged.length > 0) await this.#o.store.commit(judged);
        if (evaluate) await this.#evaluate(reports);
      })
      .catch((error: unknown) => this.#o.onError?.(error, "shadow step"));
  }

  /** The schedule: candidates that meet the rule are marked, then the lifecycle's current list is followed. */
  async #evaluate(reports: readonly ShadowReport[]): Promise<void> {
    await this.#testAgainstLive();
    for (const r of reports) {
      if (this.#status.get(r.id) !== "shadow") continue;
      // The step's figures with the test run on the equity stored up to this step.
      const { verdict } = this.#judge(r);
      if (!verdict.ready) continue;
      try {
        const test = (this.#engine as ShadowEngine).significance(r.id);
        await this.#o.lifecycle.move(r.id, "awaiting-approval", {
          by: "shadow",
          reason: verdict.reason,
          numbers: {
            gates: [],
            figures: transitionFigures([
              ["shadow iterations", r.iterations],
              ["shadow Sharpe", r.sharpe],
              ["live Sharpe", r.liveSharpe],
              ["shadow return", r.roi * 100, "%"],
              ["live return", r.liveRoi * 100, "%"],
              ["p", test?.pValue],
              ["bootstrap p", test?.bootstrapPValue],
              ["days", test?.days],
            ]),
          },
        });
      } catch (error) {
        // A person moved it meanwhile (retired, say): the sync below follows the lifecycle as it is now.
        this.#o.onError?.(error, `marking ${r.id} for approval`);
        continue;
      }
      this.#status.set(r.id, "awaiting-approval");
      this.#o.onMarked?.(r.id, verdict.reason);
    }
    await this.#sync();
  }

  /** Each candidate's paired test against live on its stored daily equity, handed to the engine (its rule and ours read it there). */
  async #testAgainstLive(): Promise<void> {
    const engine = this.#engine as ShadowEngine;
    for (const id of engine.candidates) {
      const test = this.#o.significance(await this.#o.store.equity(id, this.#o.session.options.session));
      engine.setSignificance(id, test);
    }
  }

  /** The promotion rule on a step's figures with the candidate's latest test against live. */
  #judge(r: ShadowReport): { verdict: PromotionVerdict; test: { pValue: number | null; pairedDays: number } } {
    const test = (this.#engine as ShadowEngine).significance(r.id);
    const verdict = judgePromotion(
      {
        iterations: r.iterations,
        sharpe: r.sharpe,
        liveSharpe: r.liveSharpe,
        pValue: test?.pValue ?? null,
        pending: test?.pending ?? "not tested yet",
      },
      this.#rule,
    );
    return { verdict, test: { pValue: test?.pValue ?? null, pairedDays: test?.days ?? 0 } };
  }

  /** Adds the lifecycle's shadowed strategies not running yet, drops those that left shadow (approved, retired). */
  async #sync(onAdded?: (id: string) => void): Promise<void> {
    const engine = this.#engine as ShadowEngine;
    const wanted = new Map<string, StrategyStatus>();
    for (const status of SHADOWED) {
      for (const s of await this.#o.strategies.list(status)) {
        wanted.set(s.id, status);
        if (engine.candidates.includes(s.id) || this.#broken.has(s.id)) {
          if (this.#broken.has(s.id)) wanted.delete(s.id);
          continue;
        }
        let strategy: Strategy;
        try {
          strategy = compileSpec(validateSpec(s.spec, `stored strategy ${s.id}`));
        } catch (error) {
          // Said once per start; it is not added, and not tried again until the next start.
          if (!this.#broken.has(s.id)) this.#o.onError?.(error, `strategy ${s.id} cannot run in shadow`);
          this.#broken.add(s.id);
          wanted.delete(s.id);
          continue;
        }
        engine.add({ id: s.id, strategy, leverage: this.#o.leverage ?? 2 });
        onAdded?.(s.id);
      }
    }
    for (const id of engine.candidates) if (!wanted.has(id)) engine.remove(id);
    this.#status.clear();
    for (const [id, status] of wanted) this.#status.set(id, status);
  }
}

function tradeRow(session: string, strategyId: string, t: ClosedTrade): ShadowStepRow["trades"][number] {
  return {
    tradeId: `${session}:${strategyId}:${t.id}`,
    symbol: t.symbol,
    side: t.side,
    qty: t.quantity,
    entryTime: t.entryTime,
    entryPrice: t.entryPrice,
    exitTime: t.exitTime,
    exitPrice: t.exitPrice,
    pnl: t.netPnl,
    fees: t.fees,
    exitReason: t.exitReason,
  };
}

/**
 * The session's store, closed only once the shadow runner has written its last steps: the session closes its store
 * when it stops, and the shadows' last steps are released by that stop's final commit.
 */
export function closingAfter(store: SessionStore, before: () => Promise<void>): SessionStore {
  return {
    load: (session) => store.load(session),
    commit: (session, step) => store.commit(session, step),
    close: async () => {
      await before().catch(() => {});
      await store.close();
    },
  };
}
