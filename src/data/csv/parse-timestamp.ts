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

const FORMAT_TOKENS: Readonly<Record<string, string>> = {
  YYYY: "(?<year>\\d{4})",
  MM: "(?<month>\\d{1,2})",
  DD: "(?<day>\\d{1,2})",
  HH: "(?<hour>\\d{1,2})",
  mm: "(?<minute>\\d{2})",
  ss: "(?<second>\\d{2})",
  SSS: "(?<millis>\\d{1,3})",
};
const TOKEN = /YYYY|MM|DD|HH|mm|ss|SSS|[A-Za-z]/g;

/**
 * Compiles an explicit date format such as `DD/MM/YYYY HH:mm` (day first), `MM/DD/YYYY` or `YYYY.MM.DD HH:mm:ss.SSS`
 * into a parser to Unix ms, UTC. Tokens: YYYY, MM, DD, HH, mm, ss, SSS; any other letter is an error, any other
 * character must appear as is. The parser returns NaN for text that does not match or names an impossible date,
 * so `01/02/2024` is 1 February with `DD/MM/YYYY` and 2 January with `MM/DD/YYYY`, never a guess.
 */
export function compileDateFormat(format: string): (text: string) => number {
  const seen = new Set<string>();
  let pattern = "";
  let last = 0;
  for (const match of format.matchAll(TOKEN)) {
    const token = match[0];
    const regex = FORMAT_TOKENS[token];
    if (regex === undefined) {
      throw new RangeError(
        `date format "${format}": "${token}" is not a token (use YYYY, MM, DD, HH, mm, ss, SSS; e.g. DD/MM/YYYY HH:mm)`,
      );
    }
    if (seen.has(token)) throw new RangeError(`date format "${format}": ${token} appears twice`);
    seen.add(token);
    pattern += escapeRegex(format.slice(last, match.index)) + regex;
    last = match.index + token.length;
  }
  pattern += escapeRegex(format.slice(last));
  for (const needed of ["YYYY", "MM", "DD"]) {
    if (!seen.has(needed)) throw new RangeError(`date format "${format}" has no ${needed}`);
  }
  const regex = new RegExp(`^\\s*${pattern}\\s*$`);
  return (text) => {
    const groups = regex.exec(text)?.groups;
    if (groups === undefined) return Number.NaN;
    const year = Number(groups.year);
    const month = Number(groups.month);
    const day = Number(groups.day);
    const hour = Number(groups.hour ?? 0);
    const minute = Number(groups.minute ?? 0);
    const second = Number(groups.second ?? 0);
    const millis = Number((groups.millis ?? "0").padEnd(3, "0"));
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
    if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
    return Date.UTC(year, month - 1, day, hour, minute, second, millis);
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
