import { z } from "zod";
import { LLM_ROLES, type LlmRole } from "./llm-bridge.js";

/**
 * The `llm:` section of the config: one entry per role that should consult a model. A role with no entry (and no
 * environment variable naming a model for it) is off, which is the embedded default: no model anywhere, and
 * everything else works as before.
 */
const roleShape = {
  /**
   * `openai`: any OpenAI-compatible chat-completions endpoint through the official SDK (Ollama's /v1, LM Studio,
   * vLLM, DeepSeek, OpenAI, Gemini's compatible API). `ollama-native`: Ollama's own /api/chat, which adds a JSON
   * schema in `format` on every Ollama version (its /v1 accepted only JSON mode before 0.5) and `keep_alive`, so
   * the model stays loaded between bars instead of being reloaded after Ollama's 5-minute default.
   */
  provider: z.enum(["openai", "ollama-native"]).default("openai"),
  /** Base URL: `http://localhost:11434/v1` (openai) or `http://localhost:11434` (ollama-native). Default: OLLAMA_HOST. */
  endpoint: z.url().optional(),
  model: z.string().min(1).optional(),
  /** Name of the environment variable holding the API key (never the key itself: the config file is stored). */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "apiKeyEnv names an environment variable, e.g. OPENAI_API_KEY")
    .optional(),
  temperature: z.number().min(0).max(2).default(0.2),
  maxTokens: z.number().int().positive().max(32_768).default(1024),
  /** Per request; AI_TIMEOUT sets it for every role that names none. */
  timeoutSeconds: z.number().positive().max(600).optional(),
  /** Last day the model may have seen in training (YYYY-MM-DD); the contamination guard refuses earlier bars. */
  trainingCutoff: z.iso.date("trainingCutoff must be a date YYYY-MM-DD").optional(),
  costPer1kPromptUsd: z.number().min(0).optional(),
  costPer1kCompletionUsd: z.number().min(0).optional(),
  /** What the server supports; the bridge steps down (schema → JSON mode → plain) when the server refuses one. */
  structuredOutput: z.enum(["json_schema", "json_object", "none"]).default("json_schema"),
  stream: z.boolean().default(false),
  /** ollama-native only: how long Ollama keeps the model loaded after a request ("30m", "-1" = forever). */
  keepAlive: z.string().min(1).optional(),
  /** Retries of one request on 429, 5xx and connection errors before the role counts as down. */
  maxRetries: z.number().int().min(0).max(5).default(2),
};

export const llmRoleConfigSchema = z.object(roleShape).strict();

/** The advisor also has a deadline (its vote waits that long at most) and a weight in the combiner. */
export const llmAdvisorConfigSchema = z
  .object({
    ...roleShape,
    /**
     * How long a decision waits for the advisor's vote; default: the request timeout plus one second, so that a
     * hung endpoint ends as a timeout (and the role backs off) rather than as a vote the engine stopped waiting for.
     */
    deadlineSeconds: z.number().positive().max(600).optional(),
    /** Weight of its vote against the primaries' (1 each); 10 % of a single primary by default. */
    weight: z.number().min(0).max(1).default(0.1),
  })
  .strict();

/** The auditor also has a schedule: `aegis trade` audits the market every `intervalMinutes` of market time. */
export const llmAuditorConfigSchema = z
  .object({
    ...roleShape,
    /** AlphaWEEX audits every 15 minutes. */
    intervalMinutes: z
      .number()
      .positive()
      .max(7 * 24 * 60)
      .default(15),
  })
  .strict();

export const llmConfigSchema = z
  .object({
    advisor: llmAdvisorConfigSchema.optional(),
    auditor: llmAuditorConfigSchema.optional(),
    architect: llmRoleConfigSchema.optional(),
    hypothesis: llmRoleConfigSchema.optional(),
    sentiment: llmRoleConfigSchema.optional(),
  })
  .strict();

export type LlmConfig = z.infer<typeof llmConfigSchema>;
export type LlmRoleConfig = z.infer<typeof llmRoleConfigSchema>;

/** A role ready to call: every default and environment variable applied. */
export interface ResolvedLlmRole {
  readonly role: LlmRole;
  readonly provider: "openai" | "ollama-native";
  readonly endpoint: string;
  readonly model: string;
  readonly apiKey: string | undefined;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly timeoutMs: number;
  /** Unix ms of the start of the cutoff day (UTC). */
  readonly trainingCutoff: number | undefined;
  readonly costPer1kPromptUsd: number | undefined;
  readonly costPer1kCompletionUsd: number | undefined;
  readonly structuredOutput: "json_schema" | "json_object" | "none";
  readonly stream: boolean;
  readonly keepAlive: string | undefined;
  readonly maxRetries: number;
  /** Advisor only. */
  readonly deadlineMs?: number;
  readonly weight?: number;
}

export class LlmConfigError extends Error {
  override name = "LlmConfigError";
}

export const DEFAULT_OLLAMA_HOST = "http://localhost:11434";
const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * Applies the environment variables of Algo Trading Lab to the `llm:` section:
 * - `OLLAMA_HOST`: endpoint of every role that names none (`$OLLAMA_HOST/v1` for openai); default localhost:11434.
 * - `AI_MODEL`: the advisor's model; it turns the advisor on with the defaults when the config has no `llm.advisor`.
 * - `AI_TIMEOUT`: request timeout in seconds of every role that names none (default 30).
 * - `AI_TRADING_ENABLED=false` (or 0, no): the advisor is off whatever the config says.
 * Roles without a model are left out: they are off.
 */
export function resolveLlmRoles(config: LlmConfig, env: NodeJS.ProcessEnv = {}): Map<LlmRole, ResolvedLlmRole> {
  const out = new Map<LlmRole, ResolvedLlmRole>();
  const host = (env.OLLAMA_HOST?.trim() || DEFAULT_OLLAMA_HOST).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(host)) throw new LlmConfigError(`OLLAMA_HOST must be an http(s) URL, got "${host}"`);
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (env.AI_TIMEOUT !== undefined && env.AI_TIMEOUT.trim() !== "") {
    timeoutSeconds = Number(env.AI_TIMEOUT);
    if (!(timeoutSeconds > 0 && timeoutSeconds <= 600))
      throw new LlmConfigError(`AI_TIMEOUT is seconds from 1 to 600, got "${env.AI_TIMEOUT}"`);
  }
  const enabledText = env.AI_TRADING_ENABLED?.trim().toLowerCase();
  if (
    enabledText !== undefined &&
    enabledText !== "" &&
    !["true", "1", "yes", "false", "0", "no"].includes(enabledText)
  )
    throw new LlmConfigError(`AI_TRADING_ENABLED is true or false, got "${env.AI_TRADING_ENABLED}"`);
  const advisorOff = enabledText === "false" || enabledText === "0" || enabledText === "no";
  const aiModel = env.AI_MODEL?.trim() || undefined;
  for (const role of LLM_ROLES) {
    let entry: (LlmRoleConfig & { deadlineSeconds?: number; weight?: number }) | undefined = config[role];
    if (role === "advisor") {
      if (advisorOff) continue;
      if (aiModel !== undefined) entry = { ...(entry ?? llmAdvisorConfigSchema.parse({})), model: aiModel };
    }
    if (entry?.model === undefined) continue;
    const timeoutMs = (entry.timeoutSeconds ?? timeoutSeconds) * 1000;
    let apiKey: string | undefined;
    if (entry.apiKeyEnv !== undefined) {
      apiKey = env[entry.apiKeyEnv];
      if (!apiKey) throw new LlmConfigError(`llm.${role}.apiKeyEnv names ${entry.apiKeyEnv}, which is not set`);
    }
    if (entry.keepAlive !== undefined && entry.provider !== "ollama-native")
      throw new LlmConfigError(`llm.${role}.keepAlive needs provider: ollama-native (Ollama's /v1 ignores it)`);
    out.set(role, {
      role,
      provider: entry.provider,
      endpoint: (entry.endpoint ?? (entry.provider === "openai" ? `${host}/v1` : host)).replace(/\/+$/, ""),
      model: entry.model,
      apiKey,
      temperature: entry.temperature,
      maxTokens: entry.maxTokens,
      timeoutMs,
      trainingCutoff: entry.trainingCutoff === undefined ? undefined : Date.parse(`${entry.trainingCutoff}T00:00:00Z`),
      costPer1kPromptUsd: entry.costPer1kPromptUsd,
      costPer1kCompletionUsd: entry.costPer1kCompletionUsd,
      structuredOutput: entry.structuredOutput,
      stream: entry.stream,
      keepAlive: entry.keepAlive,
      maxRetries: entry.maxRetries,
      ...(role === "advisor"
        ? {
            deadlineMs: entry.deadlineSeconds !== undefined ? entry.deadlineSeconds * 1000 : timeoutMs + 1000,
            weight: entry.weight ?? 0.1,
          }
        : {}),
    });
  }
  return out;
}
