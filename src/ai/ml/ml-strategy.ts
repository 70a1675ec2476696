/**
 * The ML ensemble as a Strategy (the engine's current voting interface; a thin adapter the coming SignalSource
 * interface can wrap). At each closed bar it updates the model's features from that bar (FeatureRowStream, equal
 * to the batch features the model was trained on), asks the ensemble for P(up over the horizon) and votes: buy
 * above `buyAbove`, sell (close, in a long-only run) below `sellBelow`, nothing in between. A NaN feature or an error means no vote, and the reason is
 * counted in `abstentions`.
 */
import type { BarContext, OnBar, Strategy, StrategySetup, StrategySignal } from "../../strategy/strategy.js";
import type { ContextSeries } from "../features/feature-matrix.js";
import { CONTEXT_FEATURES, type ContextFeature } from "../features/feature-names.js";
import { FeatureRowStream } from "../features/feature-row-stream.js";
import { type LoadedModel, loadModel } from "./model-file.js";

/** Bars replayed to catch up on bars the strategy was not stepped on (enough for every feature's warm-up). */
const CATCH_UP_BARS = 500;

export interface MlStrategyOptions {
  /** Probability of "up" at or above which the strategy votes buy (default 0.55). */
  readonly buyAbove?: number;
  /** Probability at or below which it votes sell (default 0.45). */
  readonly sellBelow?: number;
  readonly allowShort?: boolean;
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
}

/** Why the model did not vote, by reason, with the number of bars. */
export type Abstentions = Map<string, number>;

/** The voting rule, shared by the live strategy and replays of stored out-of-sample probabilities. */
export function voteFromProbability(
  probability: number,
  buyAbove: number,
  sellBelow: number,
): StrategySignal | undefined {
  if (probability >= buyAbove) {
    return { action: "buy", confidence: probability, reason: `ML P(up) ${probability.toFixed(3)} ≥ ${buyAbove}` };
  }
  if (probability <= sellBelow) {
    return { action: "sell", confidence: 1 - probability, reason: `ML P(up) ${probability.toFixed(3)} ≤ ${sellBelow}` };
  }
  return undefined;
}

function checkThresholds(buyAbove: number, sellBelow: number): void {
  if (!(buyAbove > 0 && buyAbove <= 1 && sellBelow >= 0 && sellBelow < buyAbove)) {
    throw new RangeError(
      `ML thresholds need 0 ≤ sellBelow < buyAbove ≤ 1, got sellBelow ${sellBelow}, buyAbove ${buyAbove}`,
    );
  }
}

export function createMlStrategy(
  loaded: LoadedModel,
  options: MlStrategyOptions = {},
): Strategy & { readonly abstentions: Abstentions } {
  const buyAbove = options.buyAbove ?? 0.55;
  const sellBelow = options.sellBelow ?? 0.45;
  checkThresholds(buyAbove, sellBelow);
  const { features, barMs } = loaded.metadata;
  const context = options.context ?? {};
  const missing = features.filter(
    (name) => (CONTEXT_FEATURES as readonly string[]).includes(name) && !context[name as ContextFeature],
  );
  if (missing.length > 0) {
    throw new RangeError(`${loaded.path} reads ${missing.join(", ")}: give the strategy that context series too`);
  }
  const abstentions: Abstentions = new Map();
  const abstain = (reason: string): undefined => {
    abstentions.set(reason, (abstentions.get(reason) ?? 0) + 1);
    return undefined;
  };
  const columns = features.length;
  return {
    name: `ml:${loaded.path}`,
    parameters: { buyAbove, sellBelow },
    allowShort: options.allowShort ?? false,
    abstentions,
    init(setup: StrategySetup): OnBar {
      const high = setup.price("high");
      const low = setup.price("low");
      const close = setup.price("close");
      const volume = setup.price("volume");
      const rows = new FeatureRowStream(features, barMs, context);
      const row = new Float32Array(columns);
      let warm = false;
      let lastIndex = -1;
      const feed = (ago: number, time: number) =>
        rows.update(
          { time, high: high.at(ago), low: low.at(ago), close: close.at(ago), volume: volume.at(ago) },
          undefined,
          row,
        );
      return (bar: BarContext) => {
        try {
          // Bars it did not see (the warm-up of a trading session, a restart) are replayed first, so a live
          // slot votes from its first bar as a backtest over the same history would.
          if (bar.index !== lastIndex + 1)
            for (let ago = Math.min(bar.index - lastIndex - 1, CATCH_UP_BARS); ago >= 1; ago--)
              if (!Number.isNaN(close.at(ago))) feed(ago, bar.time - ago * barMs);
          lastIndex = bar.index;
          feed(0, bar.time);
          const nan = features.find((_, c) => Number.isNaN(row[c] as number));
          if (nan !== undefined) return abstain(warm ? `feature ${nan} is NaN` : "warm-up");
          warm = true;
          const probability = loaded.model.predict({ data: row, rows: 1, columns }).ensemble[0] as number;
          return voteFromProbability(probability, buyAbove, sellBelow);
        } catch (error) {
          return abstain(`error: ${(error as Error).message}`);
        }
      };
    },
  };
}

/**
 * An `ml:<model.json>?key=value&…` reference split into the model path and its settings; `number` reads a setting
 * that must be a finite number (a plain-language RangeError otherwise). Shared by the plain and the retraining
 * ML strategies.
 */
export function parseMlReference(reference: string): {
  readonly path: string;
  readonly settings: URLSearchParams;
  readonly number: (key: string) => number | undefined;
} {
  const [path = "", query = ""] = reference.replace(/^ml:/, "").split("?");
  if (path === "") throw new RangeError("--strategy ml: needs a model file: ml:<dir>/final.model.json");
  const settings = new URLSearchParams(query);
  const number = (key: string): number | undefined => {
    const text = settings.get(key);
    if (text === null) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new RangeError(`ml strategy: ${key}=${text} is not a number`);
    return value;
  };
  return { path, settings, number };
}

/**
 * `--strategy ml:<model.json>[?buy=0.55&sell=0.45&short=1]`: loads the model file and builds the strategy. A bad
 * file or parameter throws a plain-language error (the command turns it into exit code 2).
 */
export function loadMlStrategy(reference: string): Strategy & { readonly abstentions: Abstentions } {
  const { path, settings, number } = parseMlReference(reference);
  const buyAbove = number("buy");
  const sellBelow = number("sell");
  return createMlStrategy(loadModel(path), {
    ...(buyAbove !== undefined ? { buyAbove } : {}),
    ...(sellBelow !== undefined ? { sellBelow } : {}),
    allowShort: settings.get("short") === "1",
  });
}
