import { ChatLlmBridge } from "../../ai/llm/chat-llm-bridge.js";
import { advisorWeights, llmAdvisor } from "../../ai/llm/llm-advisor.js";
import { LLM_ROLES, type LlmRole, type LlmRoleStatus } from "../../ai/llm/llm-bridge.js";
import { LlmConfigError, type ResolvedLlmRole, resolveLlmRoles } from "../../ai/llm/llm-config.js";
import type { LlmRecorder } from "../../ai/llm/llm-recorder.js";
import { probeRole } from "../../ai/llm/probe-role.js";
import { type LlmReplayStore, ReplayCacheBridge } from "../../ai/llm/replay-cache.js";
import { loadConfig } from "../../config/load-config.js";
import type { AegisConfig } from "../../config/schema.js";
import { DecisionCombiner } from "../../engine/combiner.js";
import type { AsyncSignalSource } from "../../strategy/signal-source.js";
import { formatLlmStatus, llmHealthAlert } from "../llm-health.js";
import { UsageError } from "../usage-error.js";

/**
 * `aegis llm status [--json]`: each language-model role, off or its model and endpoint, and whether the endpoint
 * answers now (a model list request, no completion spent). Exit code 0 either way: a model down is not an error of
 * the command, and trading goes on without it.
 */
export async function llmStatusCommand(options: { json?: boolean }, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  let roles: Map<LlmRole, ResolvedLlmRole>;
  try {
    roles = resolveLlmRoles(config.llm, process.env);
  } catch (error) {
    if (error instanceof LlmConfigError) throw new UsageError(error.message);
    throw error;
  }
  const status = await Promise.all(
    LLM_ROLES.map(async (role): Promise<LlmRoleStatus> => {
      const resolved = roles.get(role);
      if (!resolved) return { role, enabled: false, healthy: true };
      const probe = await probeRole(resolved);
      return {
        role,
        enabled: true,
        model: resolved.model,
        endpoint: resolved.endpoint,
        healthy: probe.ok,
        ...(probe.ok ? {} : { lastError: probe.detail }),
        ...(resolved.trainingCutoff !== undefined ? { trainingCutoff: resolved.trainingCutoff } : {}),
      };
    }),
  );
  if (options.json) console.log(JSON.stringify(status, null, 2));
  else console.log(formatLlmStatus(status));
}

/** The advisor of `aegis trade`, when `llm.advisor` (or AI_MODEL) names a model. */
export interface TradeAdvisor {
  readonly bridge: ChatLlmBridge;
  readonly advisor: AsyncSignalSource;
  /** Weighs the advisor at its configured share (10 % of a primary by default). */
  readonly combiner: DecisionCombiner;
  /** The advisor's combiner weight, for a combiner that also weighs other sources (the AI ensemble's). */
  readonly weights: Readonly<Record<string, number>>;
  readonly description: string;
}

/**
 * Builds the advisor for a trading session: exchanges go to the store's llm table with the decision key, a role
 * going down or recovering raises one ALERT each. Undefined when the advisor is off; a bad `llm` setting is exit 2.
 */
export function tradeAdvisor(
  llm: AegisConfig["llm"],
  parts: {
    readonly record: LlmRecorder["record"];
    readonly alert: (payload: ReturnType<typeof llmHealthAlert>) => void;
    readonly decisionKey: (symbol: string, time: number) => string;
    readonly onRecordError: (error: unknown) => void;
    /** Where every answer is recorded by prompt hash, for `aegis backtest --llm-replay` (the store's llm_replay). */
    readonly replay?: LlmReplayStore;
    /** The regime and the context multipliers at a bar, for the prompt (when a detector and providers run). */
    readonly regime?: (symbol: string, time: number) => string | undefined;
    readonly multipliers?: (symbol: string, time: number) => Readonly<Record<string, number>> | undefined;
  },
  env: NodeJS.ProcessEnv = process.env,
): TradeAdvisor | undefined {
  let roles: Map<LlmRole, ResolvedLlmRole>;
  try {
    roles = resolveLlmRoles(llm, env);
  } catch (error) {
    if (error instanceof LlmConfigError) throw new UsageError(error.message);
    throw error;
  }
  const config = roles.get("advisor");
  if (!config) return undefined;
  // Only the advisor trades; the other roles belong to other commands.
  const bridge = new ChatLlmBridge({
    roles: new Map([["advisor", config]]),
    recorder: { record: parts.record },
    onRecordError: parts.onRecordError,
    onHealthChange: (role, change) => parts.alert(llmHealthAlert(role, change)),
  });
  const deadlineMs = config.deadlineMs ?? config.timeoutMs + 1000;
  const asked = parts.replay ? new ReplayCacheBridge(bridge, { mode: "record", store: parts.replay }) : bridge;
  const advisor = llmAdvisor({
    bridge: asked,
    deadlineMs,
    decisionKey: parts.decisionKey,
    ...(parts.regime ? { regime: parts.regime } : {}),
    ...(parts.multipliers ? { multipliers: parts.multipliers } : {}),
  });
  return {
    bridge,
    advisor,
    combiner: new DecisionCombiner({ weights: advisorWeights(advisor.id, config.weight) }),
    weights: advisorWeights(advisor.id, config.weight),
    description: `${config.model} at ${config.endpoint} (deadline ${deadlineMs / 1000} s, weight ${config.weight})`,
  };
}
