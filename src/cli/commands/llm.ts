import { LLM_ROLES, type LlmRoleStatus } from "../../ai/llm/llm-bridge.js";
import { LlmConfigError, type ResolvedLlmRole, resolveLlmRoles } from "../../ai/llm/llm-config.js";
import { formatLlmStatus } from "../../ai/llm/llm-health.js";
import { probeRole } from "../../ai/llm/probe-role.js";
import { loadConfig } from "../../config/load-config.js";
import { UsageError } from "../usage-error.js";

/**
 * `aegis llm status [--json]`: each language-model role, off or its model and endpoint, and whether the endpoint
 * answers now (a model list request, no completion spent). Exit code 0 either way: a model down is not an error of
 * the command, and trading goes on without it.
 */
export async function llmStatusCommand(options: { json?: boolean }, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  let roles: Map<string, ResolvedLlmRole>;
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
