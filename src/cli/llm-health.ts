import type { LlmBridge, LlmRole, LlmRoleStatus } from "../ai/llm/llm-bridge.js";
import type { HealthChange } from "../ai/llm/role-health.js";
import type { ReadinessCheck } from "../server/readiness.js";

/**
 * One readiness check per role with a model: not ok while the role backs off, with the last error and the next
 * try in words. A model down never stops trading (its votes are abstentions); the readiness check is where a person
 * sees it. Roles that are off add no check.
 */
export function llmReadinessChecks(bridge: LlmBridge): ReadinessCheck[] {
  return bridge
    .status()
    .filter((s) => s.enabled)
    .map((s) => ({
      name: `llm ${s.role}`,
      kind: "ai" as const,
      check: () => {
        const now = bridge.status().find((x) => x.role === s.role) as LlmRoleStatus;
        return now.healthy
          ? { ok: true, detail: `${now.model} at ${now.endpoint}` }
          : {
              ok: false,
              detail: `${now.model} at ${now.endpoint} is failing: ${now.lastError ?? "unknown error"}${now.retryAt !== undefined ? `; next try ${new Date(now.retryAt).toISOString()}` : ""}`,
            };
      },
    }));
}

/** The ALERT event of a role going down or recovering (one each, never one per call). */
export function llmHealthAlert(
  role: LlmRole,
  change: HealthChange,
): { time: number; level: "warning" | "info"; message: string; kind: string } {
  return change.healthy
    ? { time: change.time, level: "info", kind: "llm-recovered", message: `LLM ${role} recovered: ${change.detail}` }
    : {
        time: change.time,
        level: "warning",
        kind: "llm-down",
        message: `LLM ${role} is down, trading goes on without it: ${change.detail}`,
      };
}

/** The lines of `aegis llm status`: one per role, off or model, endpoint, health and last error. */
export function formatLlmStatus(status: readonly LlmRoleStatus[]): string {
  return status
    .map((s) => {
      const name = s.role.padEnd(10);
      if (!s.enabled) return `${name} off`;
      const health = s.healthy ? "healthy" : "DOWN";
      const cutoff =
        s.trainingCutoff !== undefined ? ` · cutoff ${new Date(s.trainingCutoff).toISOString().slice(0, 10)}` : "";
      const error = s.lastError !== undefined ? ` · last error: ${s.lastError}` : "";
      return `${name} ${s.model} at ${s.endpoint} · ${health}${cutoff}${error}`;
    })
    .join("\n");
}
