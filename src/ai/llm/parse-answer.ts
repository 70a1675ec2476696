import type { z } from "zod";

/** What came of reading a model's text against the role's schema. */
export type ParsedAnswer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly kind: "invalid" | "refused"; readonly detail: string };

/** Sentences models open a refusal with when they have no structured refusal field. */
const REFUSAL =
  /^\s*(i'?m sorry|i am sorry|sorry,|i can(not|'t|’t)|i won'?t|i will not|i'?m (not able|unable)|as an ai)/i;

/**
 * Reads a model's answer: drops the `<think>…</think>` block of reasoning models (DeepSeek-R1, Qwen3) and a
 * ```json fence, parses the JSON object and validates it. Never throws: junk, "BUY!!!" and a confidence of 7 come
 * back as failures whose detail names what is wrong, in words short enough for a log line and for the repair prompt.
 */
export function parseAnswer<T>(text: string, schema: z.ZodType<T>): ParsedAnswer<T> {
  const body = extractJson(text);
  if (body === undefined) {
    if (REFUSAL.test(stripThinking(text))) return { ok: false, kind: "refused", detail: `refused: ${quote(text)}` };
    return { ok: false, kind: "invalid", detail: `answer is not JSON: ${quote(text)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      kind: "invalid",
      detail: `answer is not valid JSON (${(error as Error).message}): ${quote(text)}`,
    };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`);
    return { ok: false, kind: "invalid", detail: `answer does not match the schema: ${issues.join("; ")}` };
  }
  return { ok: true, value: result.data };
}

function stripThinking(text: string): string {
  // An unclosed <think> (the answer was cut off by max tokens) leaves nothing usable after it.
  return text.replace(/<think>[\s\S]*?(<\/think>|$)/gi, "").trim();
}

/** The JSON object in the answer: the whole text, a fenced block, or the outermost {…} of a chatty answer. */
function extractJson(text: string): string | undefined {
  const clean = stripThinking(text);
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(clean);
  const candidate = (fenced ? fenced[1] : clean)?.trim() ?? "";
  if (candidate.startsWith("{") || candidate.startsWith("[")) return candidate;
  const first = candidate.indexOf("{");
  const last = candidate.lastIndexOf("}");
  return first >= 0 && last > first ? candidate.slice(first, last + 1) : undefined;
}

/** The answer as a short quoted string for a detail line. */
export function quote(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
