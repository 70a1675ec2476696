/**
 * Timestamps as they appear in market data files, to Unix milliseconds (UTC).
 *
 * Numbers are epoch values whose unit is read from their magnitude, because files rarely say:
 * |v| < 1e11 → seconds (1e11 s is the year 5138), < 1e14 → milliseconds, < 1e17 → microseconds (Binance spot
 * dumps since 2025), otherwise nanoseconds. The cost: a millisecond value before 1973-03-03 reads as seconds, and a
 * bare `20240101` is epoch seconds, not a date.
 *
 * Text dates are ISO-8601 style: `2024-01-01`, `2024-01-01T00:00:00Z`, `2019-01-01 00:00:00+00:00`,
 * `2024-01-01T00:00:00.123+0530`, and the compact `20240101 00:00` (QuantConnect Lean). A date without a zone is
 * UTC, unlike `Date.parse`, which reads a zone-less date-time as local time.
 */

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const ISO =
  /^\s*(\d{4})(-?)(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?\s*$/;

/** An epoch number in s, ms, µs or ns (unit by magnitude, see the module comment) to whole milliseconds. */
export function epochToMs(value: number): number {
  const size = Math.abs(value);
  if (size < 1e11) return Math.round(value * 1000);
  if (size < 1e14) return Math.round(value);
  if (size < 1e17) return Math.round(value / 1000);
  return Math.round(value / 1e6);
}

/** Parses a timestamp (epoch number or ISO-8601 text) to Unix ms; NaN when it is neither. */
export function tryParseTimestamp(text: string): number {
  if (NUMERIC.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? epochToMs(value) : Number.NaN;
  }
  return parseIsoDate(text);
}

/** Parses a timestamp (epoch number or ISO-8601 text) to Unix ms; throws a RangeError naming the text otherwise. */
export function parseTimestamp(text: string): number {
  const ms = tryParseTimestamp(text);
  if (Number.isNaN(ms)) {
    throw new RangeError(
      `timestamp "${text}" is neither an epoch number (s, ms, µs, ns) nor an ISO-8601 date such as 2024-01-01T00:00:00Z`,
    );
  }
  return ms;
}

/** ISO-8601 date or date-time to Unix ms; NaN when the text is not one or names an impossible date (2024-02-30). */
export function parseIsoDate(text: string): number {
  const m = ISO.exec(text);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  const hour = m[5] === undefined ? 0 : Number(m[5]);
  const minute = m[6] === undefined ? 0 : Number(m[6]);
  const second = m[7] === undefined ? 0 : Number(m[7]);
  const millis = m[8] === undefined ? 0 : Number(m[8].slice(0, 3).padEnd(3, "0"));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const offset = m[9] === undefined ? 0 : offsetMs(m[9]);
  if (Number.isNaN(offset)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "+05:30", "-0800", "+01" or "Z" to milliseconds east of UTC. */
function offsetMs(zone: string): number {
  if (zone === "Z" || zone === "z") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return Number.NaN;
  return sign * (hours * 3_600_000 + minutes * 60_000);
}
