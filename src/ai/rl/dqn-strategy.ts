/**
 * A saved DQN agent as a Strategy (`--strategy dqn:FILE`): at each closed bar it updates its features from that
 * bar (FeatureRowStream, equal to the batch features it trained on), adds the position features from the bar
 * context, and votes the greedy action. A NaN feature (warm-up) or an error is no vote, counted in `abstentions`.
 * Only the 3-action agent runs this way: the leverage agent, which proposes a leverage per decision and reads the
 * account, runs as `leverage-dqn:FILE` (leverage-dqn-strategy.ts).
 */
import type { BarContext, OnBar, Strategy, StrategySetup } from "../../strategy/strategy.js";
import { CONTEXT_FEATURES } from "../features/feature-names.js";
import { FeatureRowStream } from "../features/feature-row-stream.js";
import { type AgentFileError, type LoadedAgent, loadAgent } from "./agent-file.js";
import { argmax } from "./dqn-agent.js";
import { actionSignal } from "./env-actions.js";
import { isAccountFeature } from "./observation.js";

export type { AgentFileError };

export function createDqnStrategy(loaded: LoadedAgent): Strategy & { readonly abstentions: Map<string, number> } {
  const { file, network } = loaded;
  if (file.kind !== "dqn") {
    throw new RangeError(
      `${loaded.path} is a ${file.kind} agent: it proposes a leverage per decision, run it as leverage-dqn:${loaded.path}`,
    );
  }
  const context = file.features.filter((f) => (CONTEXT_FEATURES as readonly string[]).includes(f));
  if (context.length > 0)
    throw new RangeError(
      `${loaded.path} reads context series (${context.join(", ")}); dqn: strategies take candles only`,
    );
  const abstentions = new Map<string, number>();
  const abstain = (reason: string): undefined => {
    abstentions.set(reason, (abstentions.get(reason) ?? 0) + 1);
    return undefined;
  };
  const { mean, sd } = file.normalization;
  return {
    name: `dqn:${loaded.path}`,
    parameters: {},
    allowShort: file.allowShort,
    abstentions,
    init(setup: StrategySetup): OnBar {
      const high = setup.price("high");
      const low = setup.price("low");
      const close = setup.price("close");
      const volume = setup.price("volume");
      const market = file.features.filter((f) => !isAccountFeature(f));
      const rows = new FeatureRowStream(market, file.barMs);
      const raw = new Float32Array(market.length);
      const state = new Float32Array(file.features.length);
      return (bar: BarContext) => {
        try {
          rows.update(
            { time: bar.time, high: high.at(0), low: low.at(0), close: close.at(0), volume: volume.at(0) },
            undefined,
            raw,
          );
          const p = bar.position;
          const side = Math.sign(p.quantity);
          let m = 0;
          for (let c = 0; c < file.features.length; c++) {
            const name = file.features[c] as (typeof file.features)[number];
            if (!isAccountFeature(name)) {
              const value = raw[m++] as number;
              if (Number.isNaN(value)) return abstain("warm-up");
              const z = (value - (mean[c] as number)) / (sd[c] as number);
              state[c] = Math.max(-5, Math.min(5, z));
            } else if (name === "current_position") state[c] = side;
            else if (name === "position_pnl") state[c] = side === 0 ? 0 : side * (close.at(0) / p.entryPrice - 1) * 10;
            else if (name === "position_duration") state[c] = side === 0 ? 0 : Math.min(p.barsHeld, 240) / 24;
            else return abstain(`account feature ${name} is only known in the environment`);
          }
          const action = file.actions[argmax(network.forward(state))];
          return action === undefined ? undefined : actionSignal(action);
        } catch (error) {
          return abstain(`error: ${(error as Error).message}`);
        }
      };
    },
  };
}

/** `--strategy dqn:<agent.json>`: loads the agent file and builds the strategy; a bad file throws with the reason. */
export function loadDqnStrategy(reference: string): Strategy & { readonly abstentions: Map<string, number> } {
  const path = reference.replace(/^dqn:/, "");
  if (path === "") throw new RangeError("--strategy dqn: needs an agent file: dqn:<dir>/agent.json");
  return createDqnStrategy(loadAgent(path));
}
