import { noSlippage, parseSlippage, type SlippageModel } from "../execution/slippage.js";
import type { RiskConfig } from "../risk/config.js";
import type { SizeRule } from "../risk/sizing/size-rule.js";

/**
 * The cost and sizing assumptions of a batch of backtests (a grid, a walk-forward). Plain data only, so the same
 * object can be sent to worker threads: slippage is given as text (`5bps`, `0`, `vol:0.1`) rather than a model.
 */
export interface BacktestSettings {
  readonly cash: number;
  /** Maker and taker fee as a fraction of notional; default: the instruments' own. */
  readonly fee?: number;
  /** `parseSlippage` text: `5bps`, `5`, `0`, `vol:0.1`; default none. */
  readonly slippage?: string;
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  readonly maxVolumeParticipation?: number;
  /** Bars per year for annualized metrics; default inferred from the bar spacing (8760 for 1h). */
  readonly periodsPerYear?: number;
  /**
   * The risk config every run goes through (a fresh in-memory latch store per run); absent → sanity checks only.
   * Context series files are not loaded in batch runs: those multipliers run neutral and their reason says so.
   */
  readonly risk?: RiskConfig;
}

/** Settings with the slippage text parsed into a model, ready for `runBacktest`. */
export interface ResolvedSettings extends BacktestSettings {
  readonly slippageModel: SlippageModel;
}

/**
 * Validates every setting at once and parses the slippage text. Called in the main thread before any worker
 * starts, so a typo fails once with a clear message instead of once per parameter combination.
 */
export function resolveSettings(settings: BacktestSettings): ResolvedSettings {
  const problems: string[] = [];
  if (!(settings.cash > 0) || !Number.isFinite(settings.cash)) problems.push(`cash must be > 0, got ${settings.cash}`);
  if (settings.fee !== undefined && !(settings.fee >= 0 && settings.fee < 0.1)) {
    problems.push(`fee must be a fraction in [0, 0.1), got ${settings.fee}`);
  }
  if (settings.leverage !== undefined && !(settings.leverage >= 1 && settings.leverage <= 125)) {
    problems.push(`leverage must be in [1, 125], got ${settings.leverage}`);
  }
  if (
    settings.maxVolumeParticipation !== undefined &&
    !(settings.maxVolumeParticipation > 0 && settings.maxVolumeParticipation <= 1)
  ) {
    problems.push(`maxVolumeParticipation must be in (0, 1], got ${settings.maxVolumeParticipation}`);
  }
  if (settings.periodsPerYear !== undefined && !(settings.periodsPerYear > 0)) {
    problems.push(`periodsPerYear must be > 0, got ${settings.periodsPerYear}`);
  }
  if (settings.size !== undefined && !(settings.size.value > 0)) {
    problems.push(`size.value must be > 0, got ${settings.size.value}`);
  }
  let slippageModel = noSlippage;
  if (settings.slippage !== undefined) {
    try {
      slippageModel = parseSlippage(settings.slippage);
    } catch (error) {
      problems.push(`slippage: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new RangeError(`invalid backtest settings: ${problems.join("; ")}`);
  return { ...settings, slippageModel };
}

/** The plain-data part of resolved settings (what a worker needs to resolve them again). */
export function plainSettings(settings: BacktestSettings): BacktestSettings {
  const { cash, fee, slippage, size, leverage, allowShort, maxVolumeParticipation, periodsPerYear, risk } = settings;
  return Object.fromEntries(
    Object.entries({
      cash,
      fee,
      slippage,
      size,
      leverage,
      allowShort,
      maxVolumeParticipation,
      periodsPerYear,
      risk,
    }).filter(([, value]) => value !== undefined),
  ) as unknown as BacktestSettings;
}
