/**
 * A Gym-style environment over real bars, built on the engine itself: the same Engine, SimulatedBroker and
 * Portfolio as `runBacktest` (fees, slippage, funding, isolated-margin liquidation, the risk shield), driven one
 * bar at a time through `Engine.advance` / `Engine.decide`. So a policy's result here IS its backtest result
 * (trading-env.test.ts checks equity and trades are identical on real data).
 *
 * Timing, as in a backtest: the observation of bar t is taken at its close (account marked at that close); the
 * action decided then fills at bar t+1's open; the reward is the account's change to bar t+1's close.
 */

import type { FeatureName } from "../../ai/features/feature-names.js";
import { actionSignal, type EnvAction } from "../../ai/rl/env-actions.js";
import { AccountTracker, accountFeature, type Normalization, writeObservation } from "../../ai/rl/observation.js";
import { type CandleSeries, sliceSeries } from "../../domain/candles.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { SlotConfig } from "../../engine/engine.js";
import { Engine, type Slot } from "../../engine/engine.js";
import { Portfolio } from "../../execution/portfolio.js";
import { type FundingSource, SimulatedBroker } from "../../execution/simulated-broker.js";
import type { SlippageModel } from "../../execution/slippage.js";
import type { RiskShield } from "../../risk/shield.js";
import type { SizeRule } from "../../risk/sizing/size-rule.js";
import { BatchColumns } from "../../strategy/columns.js";
import type { Strategy } from "../../strategy/strategy.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the reward function sees of one step. */
export interface StepOutcome {
  readonly equityBefore: number;
  readonly equityAfter: number;
  /** Fills happened during the step (an order of the action, a liquidation, the end flatten). */
  readonly traded: boolean;
  /** The position was liquidated during the step. */
  readonly liquidated: boolean;
  /** Funding paid during the step (negative: received). */
  readonly fundingPaid: number;
  readonly action: EnvAction;
  /** Position after the step: +1 long, -1 short, 0 flat; its leverage, unrealized P&L in %, bars held. */
  readonly side: number;
  readonly leverage: number;
  readonly positionPnlPct: number;
  readonly barsHeld: number;
  /** Margin used / equity after the step; distance from the mark to the liquidation price (fraction, Inf if none). */
  readonly marginRatio: number;
  readonly liquidationDistance: number;
}

/** The reward of a step; `reset` (when present) is called at each `reset()` of the environment. */
export interface RewardFunction {
  (outcome: StepOutcome): number;
  reset?(): void;
}

export interface StepInfo {
  readonly index: number;
  readonly time: number;
  readonly equity: number;
  readonly outcome: StepOutcome;
}

export interface StepResult {
  readonly observation: Float32Array;
  readonly reward: number;
  readonly done: boolean;
  readonly info: StepInfo;
}

export interface TradingEnvOptions {
  /** The bars of the episode (a window of a longer series); `columns` are aligned with it, row for row. */
  readonly candles: CandleSeries;
  readonly features: readonly FeatureName[];
  /** Per feature, its column over `candles` (undefined for account features, read from the portfolio). */
  readonly columns: readonly (Float64Array | undefined)[];
  readonly normalization: Normalization;
  readonly actions: readonly EnvAction[];
  readonly reward: RewardFunction;
  /** First bar the agent decides at (bars before it are stepped with no action: indicator warm-up). */
  readonly start?: number;
  readonly cash?: number;
  readonly fee?: number;
  readonly slippage?: SlippageModel;
  readonly funding?: FundingSource;
  readonly allowShort?: boolean;
  readonly size?: SizeRule;
  /** A fresh shield per episode (layers keep state); default: the engine's sanity layer. */
  readonly shield?: () => RiskShield;
}

/** The action the agent strategy hands the engine at the next `decide` (a one-slot mailbox). */
interface Mailbox {
  action: EnvAction | undefined;
}

function agentStrategy(mailbox: Mailbox, allowShort: boolean): Strategy {
  return {
    name: "rl-agent",
    parameters: {},
    allowShort,
    init: () => () => (mailbox.action === undefined ? undefined : actionSignal(mailbox.action)),
  };
}

export class TradingEnv {
  readonly observationSize: number;
  readonly actionCount: number;
  readonly start: number;
  readonly #o: TradingEnvOptions;
  readonly #mailbox: Mailbox = { action: undefined };
  readonly #observation: Float32Array;
  #engine!: Engine;
  #slot!: Slot;
  #config!: Mutable<SlotConfig>;
  #tracker = new AccountTracker();
  #index = 0;
  #done = true;
  /** Leverage of each closed trade of the episode, aligned with `portfolio.trades` (per-leverage statistics). */
  tradeLeverage: number[] = [];
  /** Equity at each bar close of the episode so far (bars before `start` included), as a backtest samples it. */
  equity: number[] = [];

  constructor(options: TradingEnvOptions) {
    const n = options.candles.length;
    this.start = options.start ?? 0;
    if (!(Number.isInteger(this.start) && this.start >= 0 && this.start < n - 1)) {
      throw new RangeError(`the episode needs at least 2 bars from start ${this.start}; it has ${n}`);
    }
    if (options.columns.length !== options.features.length) throw new RangeError("one column per feature");
    for (const column of options.columns) {
      if (column !== undefined && column.length !== n)
        throw new RangeError(`a feature column has ${column.length} rows, the candles ${n}`);
    }
    this.#o = options;
    this.observationSize = options.features.length;
    this.actionCount = options.actions.length;
    this.#observation = new Float32Array(this.observationSize);
  }

  get candles(): CandleSeries {
    return this.#o.candles;
  }

  get engine(): Engine {
    return this.#engine;
  }

  get portfolio(): Portfolio {
    return this.#engine.portfolio;
  }

  get index(): number {
    return this.#index;
  }

  /** A new episode from `start`; the environment has no randomness, so the seed is accepted for the Gym contract only. */
  reset(_seed?: number): Float32Array {
    const o = this.#o;
    const portfolio = new Portfolio(o.cash ?? 10_000);
    this.#engine = new Engine({
      portfolio,
      createBroker: (listener) =>
        new SimulatedBroker(portfolio, listener, {
          ...(o.slippage ? { slippage: o.slippage } : {}),
          ...(o.funding ? { funding: o.funding } : {}),
        }),
      ...(o.shield ? { shield: o.shield() } : {}),
      runId: "bt",
    });
    const symbol = o.candles.symbol;
    let instrument = defaultInstrument(symbol);
    if (o.fee !== undefined) instrument = { ...instrument, makerFee: o.fee, takerFee: o.fee };
    this.#config = {
      symbol,
      timeframe: o.candles.timeframe,
      strategy: agentStrategy(this.#mailbox, o.allowShort ?? false),
      instrument,
      size: o.size ?? { type: "percent-equity", value: 100 },
      leverage: 1,
      ...(o.allowShort !== undefined ? { allowShort: o.allowShort } : {}),
    };
    const candles = o.candles;
    this.#slot = this.#engine.addSlot(this.#config, () => candles, new BatchColumns(candles), {
      lazyRiskColumns: true,
    });
    this.#tracker = new AccountTracker();
    this.equity = [];
    this.tradeLeverage = [];
    this.#mailbox.action = undefined;
    o.reward.reset?.();
    for (let i = 0; i < this.start; i++) {
      this.#engine.step(this.#slot, i);
      this.equity.push(this.#engine.observe(candles.time[i] as number));
    }
    this.#index = this.start;
    this.#engine.advance(this.#slot, this.start);
    this.#tracker.update(portfolio);
    this.#done = false;
    return this.#observe();
  }

  /** Acts at the current bar's close; returns the next bar's observation and the reward earned in between. */
  step(action: number): StepResult {
    if (this.#done) throw new RangeError("the episode is over (or not started): call reset()");
    const chosen = this.#o.actions[action];
    if (chosen === undefined) throw new RangeError(`action ${action} is not in 0..${this.actionCount - 1}`);
    const engine = this.#engine;
    const portfolio = engine.portfolio;
    const candles = this.#o.candles;
    const symbol = candles.symbol;
    const before = portfolio.equity();
    const fills = engine.fills.length;
    const funding = portfolio.fundingPaid;
    const trades = portfolio.trades.length;
    const heldLeverage = portfolio.position(symbol)?.leverage;
    this.#mailbox.action = chosen;
    this.#config.leverage = chosen.leverage;
    engine.decide(this.#slot, this.#index);
    this.#mailbox.action = undefined;
    this.equity.push(engine.observe(candles.time[this.#index] as number));
    this.#index++;
    engine.advance(this.#slot, this.#index);
    const last = this.#index === candles.length - 1;
    if (last) {
      // As the backtest does: the last bar is decided with no action, then what is open is closed at its close.
      engine.decide(this.#slot, this.#index);
      engine.observe(candles.time[this.#index] as number);
      (engine.broker as SimulatedBroker).flatten(symbol, this.#index, "end of backtest");
      this.equity.push(portfolio.equity());
      this.#done = true;
    }
    this.#tracker.update(portfolio);
    for (let t = trades; t < portfolio.trades.length; t++) {
      this.tradeLeverage.push(t === trades && heldLeverage !== undefined ? heldLeverage : chosen.leverage);
    }
    let liquidated = false;
    for (let f = fills; f < engine.fills.length; f++) {
      if ((engine.fills[f]?.reason ?? "").startsWith("liquidation")) liquidated = true;
    }
    const outcome = this.#outcome(
      before,
      chosen,
      engine.fills.length > fills,
      liquidated,
      portfolio.fundingPaid - funding,
    );
    const reward = this.#o.reward(outcome);
    return {
      observation: this.#observe(),
      reward,
      done: this.#done,
      info: { index: this.#index, time: candles.time[this.#index] as number, equity: outcome.equityAfter, outcome },
    };
  }

  #outcome(before: number, action: EnvAction, traded: boolean, liquidated: boolean, fundingPaid: number): StepOutcome {
    const portfolio = this.#engine.portfolio;
    const symbol = this.#o.candles.symbol;
    const p = portfolio.position(symbol);
    const equity = portfolio.equity();
    const side = p === undefined ? 0 : p.side === "long" ? 1 : -1;
    const liquidation = p?.liquidationPrice;
    return {
      equityBefore: before,
      equityAfter: equity,
      traded,
      liquidated,
      fundingPaid,
      action,
      side,
      leverage: p?.leverage ?? 0,
      positionPnlPct: p === undefined ? 0 : side * (p.markPrice / p.entryPrice - 1) * 100,
      barsHeld: p === undefined ? 0 : this.#index - portfolio.openedBar(symbol),
      marginRatio: equity > 0 ? portfolio.usedMargin() / equity : Number.POSITIVE_INFINITY,
      liquidationDistance:
        p === undefined || liquidation === undefined
          ? Number.POSITIVE_INFINITY
          : Math.abs(p.markPrice - liquidation) / p.markPrice,
    };
  }

  #observe(): Float32Array {
    const o = this.#o;
    const portfolio = this.#engine.portfolio;
    const symbol = o.candles.symbol;
    const index = this.#index;
    return writeObservation(this.#observation, o.features, o.columns, o.normalization, index, (name) =>
      accountFeature(name, portfolio, symbol, index, this.#tracker),
    );
  }
}

/** The columns of a window [from, to) of full-series columns (features computed once on the whole series). */
export function windowColumns(
  columns: readonly (Float64Array | undefined)[],
  from: number,
  to: number,
): (Float64Array | undefined)[] {
  return columns.map((column) => column?.subarray(from, to));
}

export function windowCandles(candles: CandleSeries, from: number, to: number): CandleSeries {
  return sliceSeries(candles, from, to);
}
