import type { LlmAnswer, LlmAsk, LlmBridge, LlmRole, LlmRoleStatus } from "../../../ai/llm/llm-bridge.js";

/** One scripted reply: raw text as a model would send it, or a function of the request (to echo prompts). */
export type ScriptedReply = string | ((request: LlmAsk<unknown>) => string);

/**
 * A test double of the bridge: each role answers from its own queue of raw texts, parsed as JSON and validated
 * against the request's schema exactly as the real bridge does, so junk and schema violations come back as
 * "invalid" failures (no vote). A role without a script is "off"; a role whose queue ran dry is "down".
 */
export class ScriptedBridge implements LlmBridge {
  /** Every request, in order, for assertions on the prompts. */
  readonly requests: LlmAsk<unknown>[] = [];
  readonly #queues: Map<LlmRole, ScriptedReply[]>;

  constructor(
    scripts: Partial<Record<LlmRole, readonly ScriptedReply[]>>,
    readonly model = "scripted",
  ) {
    this.#queues = new Map(Object.entries(scripts).map(([role, replies]) => [role as LlmRole, [...(replies ?? [])]]));
  }

  enabled(role: LlmRole): boolean {
    return this.#queues.has(role);
  }

  status(): readonly LlmRoleStatus[] {
    return [...this.#queues.keys()].map((role) => ({ role, enabled: true, model: this.model, healthy: true }));
  }

  async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
    this.requests.push(request as LlmAsk<unknown>);
    const queue = this.#queues.get(request.role);
    if (!queue) return { ok: false, failure: "off", detail: `${request.role}: no model configured` };
    const next = queue.shift();
    if (next === undefined) return { ok: false, failure: "down", detail: `${request.role}: the script ran out` };
    const text = typeof next === "function" ? next(request as LlmAsk<unknown>) : next;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, failure: "invalid", detail: `${request.role}: answer is not JSON: ${quote(text)}` };
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        failure: "invalid",
        detail: `${request.role}: answer does not match ${request.schemaName}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      };
    }
    return { ok: true, value: parsed.data, model: this.model, latencyMs: 0, contaminated: false, replayed: false };
  }
}

const quote = (text: string) => `'${text.length > 60 ? `${text.slice(0, 60)}…` : text}'`;
