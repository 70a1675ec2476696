import type { PortfolioView } from "../../domain/order.js";
import {
  type Direction,
  initialStopDistance,
  isTighter,
  liquidationProximity,
  offsetPrice,
  ratchetStop,
} from "./exit-levels.js";
import type { PositionManagementConfig } from "./position-config.js";
import type { ManagedPositionView, PositionAction, PositionManager } from "./types.js";

export interface PositionManagementDependencies {
  /**
   * Stop tightening from the market context (the whale-inflow layer): a factor in (0, 1] that multiplies the
   * initial stop distance of a position opened at `time`. Anything else is ignored (factor 1).
   */
  readonly stopTightening?: (time: number) => number;
  /**
   * Where the liquidation guard reads the position's liquidation price while ManagedPositionView does not carry
   * it: the portfolio (`PositionSnapshot.liquidationPrice`).
   */
  readonly positions?: Pick<PortfolioView, "position">;
}

/** A view that may carry the liquidation price (when the engine adds it to ManagedPositionView). */
type ViewWithLiquidation = ManagedPositionView & { readonly liquidationPrice?: number | undefined };

interface ManagedState {
  direction: Direction;
  /** Initial risk per unit: the initial stop distance, or the default risk share of entry without a stop. */
  risk: number;
  /** Best price since entry (highest close of a long, or highest high with bestPrice "extreme"; mirrored). */
  best: number;
  /** False after a reduction inside the liquidation danger zone, until the mark leaves it. */
  liquidationArmed: boolean;
}

/**
 * Position management (algo-trading-lab seed): on open, an initial stop (fixed % or the regime's ATR multiple,
 * only ever tightening a stop the strategy attached, scaled by the stop-tightening hook), a take-profit and partial
 * take-profits at 1R/2R/3R as resting reduce-only limits; on every later bar, break-even and a trailing stop that
 * only move in the trade's favour, a time exit, and a 50 % reduction when the mark nears the liquidation price.
 * Stops are checked by the broker from the next bar on. Disabled parts (config `enabled: false`) do nothing; the
 * whole manager does nothing when `config.enabled` is false.
 *
 * Assumption, stated once: the best price since entry includes the entry bar (its close, or its high/low with
 * bestPrice "extreme", as the broker's own trailing stop does), since a market entry fills at that bar's open.
 */
export function createPositionManager(
  config: PositionManagementConfig,
  deps: PositionManagementDependencies = {},
): PositionManager {
  const states = new Map<string, ManagedState>();

  function tighteningFactor(time: number): number {
    const factor = deps.stopTightening?.(time);
    return factor !== undefined && factor > 0 && factor <= 1 ? factor : 1;
  }

  function liquidationPriceOf(view: ViewWithLiquidation): number | undefined {
    return view.liquidationPrice ?? deps.positions?.position(view.symbol)?.liquidationPrice;
  }

  /** Break-even and trailing: one set-stop when they ask for a tighter stop than `current`. */
  function ratchet(view: ManagedPositionView, state: ManagedState, current: number | undefined): PositionAction[] {
    const candidate = ratchetStop(config, state.direction, view.entryPrice, state.best, view.market.atr);
    if (candidate === undefined || !isTighter(state.direction, candidate.price, current)) return [];
    return [{ kind: "set-stop", price: candidate.price, reason: candidate.reason }];
  }

  function advanceBest(state: ManagedState, view: ManagedPositionView): void {
    const market = view.market;
    const extreme = config.bestPrice === "close" ? market.close : state.direction === 1 ? market.high : market.low;
    if (Number.isFinite(extreme) && isTighter(state.direction, extreme, state.best)) state.best = extreme;
  }

  function open(view: ManagedPositionView): PositionAction[] {
    const direction: Direction = view.side === "long" ? 1 : -1;
    const entry = view.entryPrice;
    const actions: PositionAction[] = [];
    let stop = view.stop;
    const strategyDistance = stop !== undefined ? direction * (entry - stop) : Number.NaN;
    if (config.stopLoss.enabled || stop !== undefined) {
      const factor = tighteningFactor(view.time);
      const ours = config.stopLoss.enabled
        ? initialStopDistance(config.stopLoss, entry, view.market.atr, view.market.regime)
        : undefined;
      const base =
        ours !== undefined && !(strategyDistance <= ours.distance)
          ? ours
          : { distance: strategyDistance, reason: "the strategy's stop" };
      const price = offsetPrice(direction, entry, -base.distance * factor);
      if (isTighter(direction, price, stop)) {
        const tightened = factor < 1 ? `, × ${factor} stop tightening` : "";
        actions.push({ kind: "set-stop", price, reason: `initial stop: ${base.reason}${tightened}` });
        stop = price;
      }
    }
    const risk =
      stop !== undefined && direction * (entry - stop) > 0
        ? direction * (entry - stop)
        : config.partialTakeProfit.defaultRiskPercent * entry;
    const state: ManagedState = { direction, risk, best: entry, liquidationArmed: true };
    states.set(view.symbol, state);
    if (config.takeProfit.enabled) {
      const tp = config.takeProfit;
      const distance = tp.method === "percent" ? tp.percent * entry : tp.rMultiple * risk;
      const words = tp.method === "percent" ? `${tp.percent * 100}%` : `${tp.rMultiple}R`;
      actions.push({
        kind: "reduce",
        quantity: view.quantity,
        limitPrice: offsetPrice(direction, entry, distance),
        reason: `take-profit at ${words}`,
      });
    }
    if (config.partialTakeProfit.enabled) {
      const partial = config.partialTakeProfit;
      for (const multiple of partial.rMultiples) {
        actions.push({
          kind: "reduce",
          quantity: partial.fraction * view.quantity,
          limitPrice: offsetPrice(direction, entry, multiple * risk),
          reason: `partial take-profit ${partial.fraction * 100}% at ${multiple}R`,
        });
      }
    }
    // The entry bar may already have moved far enough for break-even or the trail.
    advanceBest(state, view);
    actions.push(...ratchet(view, state, stop));
    return actions;
  }

  function bar(view: ManagedPositionView): PositionAction[] {
    let state = states.get(view.symbol);
    if (state === undefined) {
      // Managed from the middle of its life (a restart): no targets are placed again, stops still ratchet.
      const direction: Direction = view.side === "long" ? 1 : -1;
      const risk =
        view.stop !== undefined && direction * (view.entryPrice - view.stop) > 0
          ? direction * (view.entryPrice - view.stop)
          : config.partialTakeProfit.defaultRiskPercent * view.entryPrice;
      state = { direction, risk, best: view.entryPrice, liquidationArmed: true };
      states.set(view.symbol, state);
    }
    if (config.timeExit.enabled && view.barsHeld >= config.timeExit.bars) {
      return [{ kind: "close", reason: `time exit after ${config.timeExit.bars} bars` }];
    }
    const actions: PositionAction[] = [];
    if (config.liquidationGuard.enabled) {
      const liquidation = liquidationPriceOf(view);
      const proximity =
        liquidation === undefined
          ? undefined
          : liquidationProximity(
              config.liquidationGuard,
              state.direction,
              view.entryPrice,
              view.market.close,
              liquidation,
              view.market.atr,
            );
      if (proximity?.danger && state.liquidationArmed) {
        state.liquidationArmed = false;
        const share = config.liquidationGuard.reduceFraction;
        const reason = `liquidation guard: mark ${view.market.close} is ${proximity.words}: reduce ${share * 100}%`;
        actions.push(
          share >= 1 ? { kind: "close", reason } : { kind: "reduce", quantity: share * view.quantity, reason },
        );
      } else if (proximity !== undefined && !proximity.danger) state.liquidationArmed = true;
    }
    advanceBest(state, view);
    actions.push(...ratchet(view, state, view.stop));
    return actions;
  }

  return {
    onOpen: (view) => (config.enabled ? open(view) : []),
    onBar: (view) => (config.enabled ? bar(view) : []),
    onClose: (symbol) => {
      states.delete(symbol);
    },
  };
}
