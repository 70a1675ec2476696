import { UsageError } from "./usage-error.js";

/** A number from an option, or a UsageError naming the option and the value. */
export function numberOption(
  name: string,
  text: string | undefined,
  check?: (n: number) => string | undefined,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new UsageError(`--${name} ${JSON.stringify(text)} is not a number`);
  const problem = check?.(value);
  if (problem) throw new UsageError(`--${name} ${text}: ${problem}`);
  return value;
}

export const positive = (n: number): string | undefined => (n > 0 ? undefined : "must be > 0");
export const nonNegative = (n: number): string | undefined => (n >= 0 ? undefined : "must be >= 0");
export const positiveInteger = (n: number): string | undefined =>
  Number.isInteger(n) && n > 0 ? undefined : "must be a whole number > 0";

const DAY_MS = 86_400_000;

/**
 * A time from an option: Unix ms, or an ISO-8601 date/time (UTC when no zone is given). A date alone is its first
 * millisecond, or with `edge: "end-of-day"` its last, so that `--to 2022-12-31` includes that whole day. A date
 * that does not exist (2022-02-30) is an error rather than a silent roll-over into March.
 */
export function timeOption(
  name: string,
  text: string | undefined,
  edge: "start-of-day" | "end-of-day" = "start-of-day",
): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\d{10,}$/.test(t)) return Number(t);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(t);
  const iso = dateOnly ? `${t}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? t : `${t}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new UsageError(
      `--${name} ${JSON.stringify(text)} is not a date (use 2024-01-31, 2024-01-31T12:00 or Unix ms)`,
    );
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
  if (ymd) {
    const [year, month, day] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
      throw new UsageError(`--${name} ${JSON.stringify(text)}: there is no such day`);
  }
  return dateOnly && edge === "end-of-day" ? ms + DAY_MS - 1 : ms;
}

/** `--param fast=10 --param slow=30` → { fast: 10, slow: 30 }; `true`/`false` read as 1/0. */
export function parseParams(list: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list ?? []) {
    const at = item.indexOf("=");
    if (at <= 0) throw new UsageError(`--param ${JSON.stringify(item)}: expected key=value, e.g. --param fast=10`);
    const key = item.slice(0, at).trim();
    const text = item.slice(at + 1).trim();
    const value = text === "true" ? 1 : text === "false" ? 0 : Number(text.replace(/%$/, ""));
    if (text === "" || !Number.isFinite(value))
      throw new UsageError(`--param ${key}: ${JSON.stringify(text)} is not a number`);
    if (key in out) throw new UsageError(`--param ${key} is given twice`);
    out[key] = value;
  }
  return out;
}
