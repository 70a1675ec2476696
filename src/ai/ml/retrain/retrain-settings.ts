/**
 * The settings of a retraining ML strategy and their one set of rules, read from either place they can be written:
 * the strategy name's query (`ml:FILE?retrain=7d&window=180d&holdout=…&tolerance=…&dir=…`) or the config's
 * `trading.retrain` block (`every`, `window`, `holdout`, `tolerance`, `dir`). Both go through `retrainProblems`, so a
 * rule changes in one place; only the wording of the field differs (`retrain=7x` in a name, `trading.retrain.every`
 * in a config). No heavy imports: the config schema loads this file.
 */
import { z } from "zod";

export interface RetrainSettings {
  /** Time between retrains (ms). */
  readonly everyMs: number;
  /** Training window (ms) ending at the retrain moment. */
  readonly windowMs: number;
  readonly holdoutBars?: number;
  readonly tolerance?: number;
  readonly dir?: string;
}

/** The values as written: text from a name's query, YAML scalars from a config block. */
export interface RetrainSettingsInput {
  readonly every?: string | number | undefined;
  readonly window?: string | number | undefined;
  readonly holdout?: string | number | undefined;
  readonly tolerance?: string | number | undefined;
  readonly dir?: string | undefined;
}

export type RetrainField = keyof RetrainSettingsInput;

/** One broken rule: the field, the value as written and what is wrong with it (or, when missing, what it is for). */
export interface RetrainProblem {
  readonly field: RetrainField;
  readonly value: unknown;
  readonly problem: string;
  readonly missing?: boolean;
}

/** The smallest held-out window that gives a log-loss worth comparing. */
export const MIN_HOLDOUT_BARS = 20;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "7d", "12h", "90m", "2w" → ms; undefined for anything else (0 and negative spans included). */
export function durationMs(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : Number.NaN;
  return value > 0 ? value : undefined;
}

const DURATION = "is not a duration like 7d, 12h, 90m or 2w";

function numeric(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/** Every broken rule of `input` (empty: the settings are valid). */
export function retrainProblems(input: RetrainSettingsInput): RetrainProblem[] {
  const problems: RetrainProblem[] = [];
  const add = (field: RetrainField, problem: string) => problems.push({ field, value: input[field], problem });
  const missing = (field: RetrainField, problem: string) =>
    problems.push({ field, value: undefined, problem, missing: true });
  if (input.every === undefined) missing("every", "how often to retrain, e.g. 7d");
  else if (durationMs(input.every) === undefined) add("every", DURATION);
  if (input.window === undefined) missing("window", "the training window, e.g. 180d");
  else if (durationMs(input.window) === undefined) add("window", DURATION);
  if (input.holdout !== undefined) {
    const holdout = numeric(input.holdout);
    if (!(Number.isInteger(holdout) && holdout >= MIN_HOLDOUT_BARS))
      add("holdout", `must be a whole number of bars ≥ ${MIN_HOLDOUT_BARS}`);
  }
  if (input.tolerance !== undefined && !Number.isFinite(numeric(input.tolerance)))
    add("tolerance", "is not a number (a log-loss margin, e.g. 0.01)");
  if (input.dir !== undefined && (typeof input.dir !== "string" || input.dir.trim() === ""))
    add("dir", "is not a folder path");
  return problems;
}

export class RetrainSettingsError extends RangeError {
  override name = "RetrainSettingsError";
}

/** How a field is named where it was written: in the strategy name's query, or in the config block. */
export type RetrainSettingsSource = "name" | "config";

/** The query key of a field in an `ml:` name (`every` is written `retrain=` there). */
export function queryKey(field: RetrainField): string {
  return field === "every" ? "retrain" : field;
}

export function describeProblem(p: RetrainProblem, source: RetrainSettingsSource): string {
  if (source === "config") return `trading.retrain.${p.field}: ${configValue(p)}`;
  if (p.missing) return `ml strategy: retrain= needs ${queryKey(p.field)}= too (${p.problem})`;
  return `ml strategy: ${queryKey(p.field)}=${String(p.value)} ${p.problem}`;
}

function configValue(p: RetrainProblem): string {
  return p.missing ? `missing: ${p.problem}` : `${JSON.stringify(p.value)} ${p.problem}`;
}

/** Valid settings, or a RetrainSettingsError naming the first broken rule the way `source` writes the field. */
export function parseRetrainSettings(input: RetrainSettingsInput, source: RetrainSettingsSource): RetrainSettings {
  const first = retrainProblems(input)[0];
  if (first) throw new RetrainSettingsError(describeProblem(first, source));
  const holdout = input.holdout === undefined ? undefined : numeric(input.holdout);
  const tolerance = input.tolerance === undefined ? undefined : numeric(input.tolerance);
  return {
    everyMs: durationMs(input.every) as number,
    windowMs: durationMs(input.window) as number,
    ...(holdout !== undefined ? { holdoutBars: holdout } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...(input.dir !== undefined ? { dir: input.dir } : {}),
  };
}

/** The retrain keys of an `ml:` name's query, as settings input (only those present). */
export function retrainInputFromQuery(query: URLSearchParams): RetrainSettingsInput {
  const input: Record<string, string> = {};
  for (const field of RETRAIN_FIELDS) {
    const text = query.get(queryKey(field));
    if (text !== null) input[field] = text;
  }
  return input as RetrainSettingsInput;
}

export const RETRAIN_FIELDS: readonly RetrainField[] = ["every", "window", "holdout", "tolerance", "dir"];

const scalar = z.union([z.string(), z.number()]).optional();

/**
 * `trading.retrain`: retrains every `ml:` strategy of `aegis trade` on schedule (README, "Retraining in a session").
 * The zod part checks only the YAML types; the rules are `retrainProblems`, reported at their field.
 */
export const retrainConfigSchema = z
  .object({ every: scalar, window: scalar, holdout: scalar, tolerance: scalar, dir: z.string().optional() })
  .strict()
  .superRefine((block, context) => {
    for (const p of retrainProblems(block))
      context.addIssue({ code: "custom", path: [p.field], message: configValue(p) });
  });

export type RetrainConfig = z.infer<typeof retrainConfigSchema>;
