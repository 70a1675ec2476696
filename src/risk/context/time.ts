import type { MarketSnapshot } from "../market-snapshot.js";
import { dayLabel } from "../shared/days.js";

const YEAR_MS = 365 * 86_400_000;

/**
 * Length of one bar (ms) of the series a snapshot comes from; NaN when unknown (a series without a timeframe).
 * The engine derives periodsPerYear from the bar length; rounding undoes the division's float error.
 */
export function barLengthMs(market: Pick<MarketSnapshot, "periodsPerYear"> | undefined): number {
  const periods = market?.periodsPerYear ?? Number.NaN;
  return periods > 0 && Number.isFinite(periods) ? Math.round(YEAR_MS / periods) : Number.NaN;
}

/**
 * The instant a decision is made at: the close of the decision bar. The engine labels a bar (and so an order's
 * `time`) by its open time but decides after the bar has closed, so context data known up to open + bar length was
 * already known. Without a bar length it falls back to the open time, which is earlier and so never looks ahead.
 */
export function decisionInstant(time: number, market: Pick<MarketSnapshot, "periodsPerYear"> | undefined): number {
  const length = barLengthMs(market);
  return Number.isNaN(length) ? time : time + length;
}

/** Unix ms as "2024-03-05 15:00" (UTC; seconds only when they are not zero). */
export function formatInstant(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  // Reasons of locks and context layers format instants on hot paths: whole milliseconds in years 0–9999 are
  // written with integer arithmetic; anything else goes through Date.
  if (Number.isInteger(ms) && ms >= MIN_FAST_MS && ms <= MAX_FAST_MS) {
    const day = Math.floor(ms / DAY_MS);
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const clock = `${dayLabel(day)} ${twoDigits(hours)}:${twoDigits(minutes)}`;
    if (rest === 0) return clock;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    return `${clock}:${twoDigits(seconds)}${millis === 0 ? "" : `.${String(millis).padStart(3, "0")}`}`;
  }
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(17, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === "00.000" ? "" : `:${seconds.replace(/\.000$/, "")}`}`;
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00 and the last millisecond of 9999-12-31: where `toISOString` writes a four-digit year. */
const MIN_FAST_MS = -62_167_219_200_000;
const MAX_FAST_MS = 253_402_300_799_999;

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** A length of time as "45m", "2h", "1h30m", "3d", "2d6h". */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const sign = ms < 0 ? "-" : "";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${sign}${days}d${hours > 0 ? `${hours}h` : ""}${rest > 0 ? `${rest}m` : ""}`;
  if (hours > 0) return `${sign}${hours}h${rest > 0 ? `${rest}m` : ""}`;
  return `${sign}${rest}m`;
}

/** A signed percentage with two decimals: "-1.40 %", "+0.25 %". */
export function formatPct(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(2)} %`;
}

/** A multiplier as "×0.5", "×1.28" (up to 4 decimals, trailing zeros dropped). */
export function formatScale(scale: number): string {
  return `×${Number(scale.toFixed(4))}`;
}
