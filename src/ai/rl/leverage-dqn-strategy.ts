/**
 * A saved leverage-DQN agent as a Strategy (`--strategy leverage-dqn:FILE` in `aegis backtest` and `aegis trade`).
 * At each closed bar it builds the observation the training environment built — the market and context features
 * of the bar (FeatureRowStream, equal to the batch columns it trained on), the account features read from the
 * engine's portfolio (AccountTracker updated at the same moment the environment updates it) — and votes the
 * greedy action with that action's leverage as a proposal. The engine sends the orders at the proposed leverage
 * through the risk shield, whose leverage guard may scale or deny them: the agent proposes, the shield decides.
 * A NaN market feature (warm-up) or an error is no vote, counted in `abstentions`.
 */
import type { BarContext, OnBar, Strategy, StrategySetup } from "../../strategy/strategy.js";
import type { ContextSeries } from "../features/feature-matrix.js";
import { CONTEXT_FEATURES, type ContextFeature, type FeatureName } from "../features/feature-names.js";
import { FeatureRowStream } from "../features/feature-row-stream.js";
import { type LoadedAgent, loadAgent } from "./agent-file.js";
import { argmax } from "./dqn-agent.js";
import { actionSignal } from "./env-actions.js";
import { AccountTracker, accountFeature, isAccountFeature, Z_CLIP } from "./observation.js";

export type LeverageContext = Partial<Record<ContextFeature, ContextSeries>>;

export function createLeverageDqnStrategy(
  loaded: LoadedAgent,
  context: LeverageContext = {},
): Strategy & { readonly abstentions: Map<string, number> } {
  const { file, network } = loaded;
  if (file.kind !== "leverage-dqn") {
    throw new RangeError(`${loaded.path} is a ${file.kind} agent: run it as dqn:${loaded.path}`);
  }
  const absent = new Set<FeatureName>(file.absentFeatures);
  const isContext = (f: FeatureName) => (CONTEXT_FEATURES as readonly string[]).includes(f);
  const missing = file.features.filter(
    (f) => isContext(f) && !absent.has(f) && context[f as ContextFeature] === undefined,
  );
  if (missing.length > 0) {
    throw new RangeError(
      `${loaded.path} was trained with ${missing.join(", ")}: give the series (--funding <file> for funding_rate)`,
    );
  }
  const abstentions = new Map<string, number>();
  const abstain = (reason: string): undefined => {
    abstentions.set(reason, (abstentions.get(reason) ?? 0) + 1);
    return undefined;
  };
  const { mean, sd } = file.normalization;
  return {
    name: `leverage-dqn:${loaded.path}`,
    parameters: {},
    allowShort: file.allowShort,
    abstentions,
    init(setup: StrategySetup): OnBar {
      const account = setup.account;
      if (account === undefined)
        throw new RangeError(`${loaded.path}: a leverage agent reads the account, run it in the engine`);
      const high = setup.price("high");
      const low = setup.price("low");
      const close = setup.price("close");
      const volume = setup.price("volume");
      const streamed = file.features.filter((f) => !isAccountFeature(f) && !absent.has(f));
      const rows = new FeatureRowStream(streamed, file.barMs, context);
      const raw = new Float32Array(streamed.length);
      const state = new Float32Array(file.features.length);
      const tracker = new AccountTracker();
      const symbol = setup.symbol;
      return (bar: BarContext) => {
        try {
          rows.update(
            { time: bar.time, high: high.at(0), low: low.at(0), close: close.at(0), volume: volume.at(0) },
            undefined,
            raw,
          );
          // The environment updates its tracker after each bar's close is marked: this is that moment.
          tracker.update(account);
          let m = 0;
          for (let c = 0; c < file.features.length; c++) {
            const name = file.features[c] as FeatureName;
            let value: number;
            if (isAccountFeature(name)) value = accountFeature(name, account, symbol, bar.index, tracker);
            else if (absent.has(name)) value = 0;
            else {
              const x = raw[m++] as number;
              if (Number.isNaN(x)) return abstain("warm-up");
              value = (x - (mean[c] as number)) / (sd[c] as number);
              value = Math.max(-Z_CLIP, Math.min(Z_CLIP, value));
            }
            state[c] = Number.isFinite(value) ? value : 0;
          }
          const action = file.actions[argmax(network.forward(state))];
          const signal = action === undefined ? undefined : actionSignal(action);
          return signal === undefined || action === undefined ? undefined : { ...signal, leverage: action.leverage };
        } catch (error) {
          return abstain(`error: ${(error as Error).message}`);
        }
      };
    },
  };
}

/** `--strategy leverage-dqn:<agent.json>`: loads the agent file; a bad or mismatched file throws with the reason. */
export function loadLeverageDqnStrategy(
  reference: string,
  context: LeverageContext = {},
): Strategy & { readonly abstentions: Map<string, number> } {
  const path = reference.replace(/^leverage-dqn:/, "");
  if (path === "") throw new RangeError("--strategy leverage-dqn: needs an agent file: leverage-dqn:<dir>/agent.json");
  return createLeverageDqnStrategy(loadAgent(path), context);
}
