import type { PortfolioView } from "../domain/order.js";
import type { ClosedTrade } from "../domain/trade.js";
import type { RiskConfig } from "../risk/config.js";
import { type ContextProviders, createContextLayers } from "../risk/context/config.js";
import { createKillSwitch } from "../risk/guards/kill-switch.js";
import { createLeverageLayers } from "../risk/leverage/volatility-leverage.js";
import { createLimitLayers } from "../risk/limits/config.js";
import { createPositionManager } from "../risk/position/position-manager.js";
import type { PositionManager } from "../risk/position/types.js";
import { createProtections } from "../risk/protections/config.js";
import { type RiskLayer, RiskShield, sanityLayer } from "../risk/shield.js";
import { createSizingLayers } from "../risk/sizing/sizing-config.js";
import type { RiskStateStore } from "../risk/state-store.js";
import { regimeParameters } from "../strategy/regime/regime-config.js";
import type { IndicatorDeclaration } from "../strategy/spec/schema.js";
import type { EngineParts } from "./engine.js";

export interface RiskRuntime {
  readonly shield: RiskShield;
  readonly positionManager: PositionManager | undefined;
  readonly regimeColumn: EngineParts["regimeColumn"];
}

export interface RiskRuntimeDependencies {
  /** Latches (kill switch, macro risk, protection locks): SQLite for paper/live, a fresh memory store per backtest. */
  readonly store: RiskStateStore;
  /** Context series already loaded (`loadContextProviders`); none → the context layers run neutral and say so. */
  readonly providers?: ContextProviders;
  /** Closed trades from before this run, for Kelly sizing after a restart. */
  readonly history?: readonly ClosedTrade[];
  readonly positions?: Pick<PortfolioView, "position">;
  /** "backtest" words messages for a run nobody can intervene in (no "aegis risk reset"); default "trading". */
  readonly mode?: "backtest" | "trading";
}

/**
 * Builds everything the risk config asks for: the shield with its layers in record order (sanity, sizing and
 * context adjusters, limits and kill switch, protections, leverage guard, exchange constraints last), position
 * management, and the regime column the engine gives every slot. With `enabled: false`, only the sanity layer.
 */
export function createRiskRuntime(config: RiskConfig, deps: RiskRuntimeDependencies): RiskRuntime {
  if (!config.enabled)
    return { shield: new RiskShield([sanityLayer]), positionManager: undefined, regimeColumn: undefined };
  const context = createContextLayers(config.context, {
    store: deps.store,
    ...(deps.providers ? { providers: deps.providers } : {}),
  });
  const layers: RiskLayer[] = [
    sanityLayer,
    ...createSizingLayers(config.sizing, deps.history ? { history: deps.history } : {}),
    ...context.layers,
    // The kill switch leads the limits: a halt outranks every other verdict and its reason leads the record.
    ...optional(createKillSwitch(config.killSwitch, deps.store, deps.mode ? { mode: deps.mode } : {})),
    ...createLimitLayers(config.limits, deps.store),
    ...createProtections(config.protections, { store: deps.store }),
    ...createLeverageLayers(config.leverageGuard),
  ];
  const whale = context.whale;
  const positionManager = config.positionManagement.enabled
    ? createPositionManager(config.positionManagement, {
        ...(whale ? { stopTightening: (time: number) => whale.stopTightening(time) } : {}),
        ...(deps.positions ? { positions: deps.positions } : {}),
      })
    : undefined;
  const { enabled: regimeOn, ...regimeOptions } = config.regime;
  const declaration = { type: "regime", ...regimeParameters(regimeOptions) } as unknown as IndicatorDeclaration;
  return {
    shield: new RiskShield(layers),
    positionManager,
    regimeColumn: regimeOn ? (_columns, setup) => setup.indicator(declaration) : undefined,
  };
}

function optional(layer: RiskLayer | undefined): RiskLayer[] {
  return layer ? [layer] : [];
}
