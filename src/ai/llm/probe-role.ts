import OpenAI from "openai";
import type { ResolvedLlmRole } from "./llm-config.js";

/**
 * Asks a role's endpoint which models it serves (OpenAI's GET /models, Ollama's GET /api/tags) without spending a
 * completion: `aegis llm status` uses it to say whether the endpoint answers and knows the configured model.
 */
export async function probeRole(config: ResolvedLlmRole, timeoutMs = 5000): Promise<{ ok: boolean; detail: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let models: string[];
  try {
    if (config.provider === "ollama-native") {
      const response = await fetch(`${config.endpoint}/api/tags`, { signal });
      if (!response.ok) return { ok: false, detail: `GET /api/tags answered HTTP ${response.status}` };
      const body = (await response.json()) as { models?: { name?: string; model?: string }[] };
      models = [...new Set((body.models ?? []).map((m) => m.name ?? m.model ?? ""))];
    } else {
      const client = new OpenAI({
        baseURL: config.endpoint,
        apiKey: config.apiKey ?? "not-needed",
        maxRetries: 0,
        timeout: timeoutMs,
      });
      models = (await client.models.list({ signal })).data.map((m) => m.id);
    }
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const why = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
    return { ok: false, detail: `no answer from ${config.endpoint}: ${why}` };
  }
  // Ollama lists "qwen2.5:7b"; a model asked for without a tag means ":latest".
  const wanted = [config.model, `${config.model}:latest`];
  return models.some((m) => wanted.includes(m))
    ? { ok: true, detail: "answers and lists the model" }
    : { ok: false, detail: `answers, but does not list ${config.model} (it lists ${models.length} model(s))` };
}
