/** Day arithmetic every daily rule of the shield counts in (daily limits, kill switch days, context series). */

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 UTC of a Unix ms time: the "day" every daily limit counts in. */
export function utcDay(time: number): number {
  return Math.floor(time / DAY_MS);
}

/**
 * `2024-01-02` for a day number from `utcDay`. Integer calendar arithmetic (Hinnant's days → civil date) for years
 * 0–9999, which daily limits format on every day change; other days go through Date, which also rejects NaN.
 */
export function dayLabel(day: number): string {
  if (!(Number.isInteger(day) && day >= MIN_FAST_DAY && day <= MAX_FAST_DAY)) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  // The daily limits ask for the same day over and over (each fill of the day): the last label is kept.
  if (day === lastLabel.day) return lastLabel.text;
  const text = civilDate(day);
  lastLabel.day = day;
  lastLabel.text = text;
  return text;
}

const lastLabel = { day: Number.NaN, text: "" };

/** `dayLabel` for days of years 0–9999. */
function civilDate(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year < 1000 ? String(year).padStart(4, "0") : year}-${TWO_DIGITS[month]}-${TWO_DIGITS[date]}`;
}

/** "00" … "31": months and days of a date label. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, "0"));

/** 0000-01-01 and 9999-12-31 as day numbers: the range where `toISOString` writes a plain four-digit year. */
const MIN_FAST_DAY = -719_528;
const MAX_FAST_DAY = 2_932_896;
