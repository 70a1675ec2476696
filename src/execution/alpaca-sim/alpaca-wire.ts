/**
 * Alpaca's REST wire format, as its Trading API v2 and Market Data API v2 write it: numbers as strings in account,
 * order and position objects, RFC 3339 times (UTC with a Z, the clock in New York's offset), errors as
 * `{ code, message }` with Alpaca's eight-digit codes.
 */
import { newYorkOffsetHours } from "../../data/calendar/exchange-calendar.js";
import type { Candle } from "../../domain/candles.js";

const DAY = 86_400_000;

export class AlpacaError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const alpacaErrors = {
  unauthorized: () => new AlpacaError(401, 40110000, "request is not authorized"),
  notFound: () => new AlpacaError(404, 40410000, "order not found"),
  assetNotFound: (symbol: string) => new AlpacaError(404, 40410000, `asset not found for ${symbol}`),
  invalid: (message: string) => new AlpacaError(422, 40010001, message),
  notFractionable: (symbol: string) =>
    new AlpacaError(422, 42210000, `fractional orders are not supported for this asset: ${symbol}`),
  buyingPower: () => new AlpacaError(403, 40310000, "insufficient buying power"),
  qtyAvailable: (requested: number, available: number) =>
    new AlpacaError(
      403,
      40310000,
      `insufficient qty available for order (requested: ${requested}, available: ${available})`,
    ),
  notCancelable: (status: string) => new AlpacaError(422, 42210000, `order is already in "${status}" state`),
  duplicateClientId: () => new AlpacaError(422, 40010001, "client_order_id must be unique"),
  badParameter: (name: string, value: string) =>
    new AlpacaError(400, 40010001, `Invalid format for parameter ${name}: error parsing '${value}'`),
} as const;

/** "2024-01-03T14:30:00Z" for a bar, a UTC instant Alpaca's way. */
export function utc(time: number): string {
  return new Date(time).toISOString().replace(".000Z", "Z");
}

/** An order or account time: UTC with microseconds, as Alpaca writes them ("2021-03-16T18:38:01.942282Z"). */
export function utcMicros(time: number): string {
  return new Date(time).toISOString().replace("Z", "000Z");
}

/** A time in New York's offset; `nanos` adds the nine fraction digits of `/v2/clock`'s timestamp. */
export function newYork(time: number, nanos = false): string {
  const offset = newYorkOffsetHours(Math.floor(time / DAY));
  const local = new Date(time + offset * 3_600_000).toISOString().slice(0, nanos ? 23 : 19);
  const sign = offset < 0 ? "-" : "+";
  return `${local}${nanos ? "000000" : ""}${sign}${String(Math.abs(offset)).padStart(2, "0")}:00`;
}

/** An Alpaca bar: t, o, h, l, c, v, n (trade count), vw (volume-weighted price). */
export function barBody(bar: Candle): Record<string, unknown> {
  return {
    t: utc(bar.time),
    o: bar.open,
    h: bar.high,
    l: bar.low,
    c: bar.close,
    v: Math.round(bar.volume),
    n: Math.max(1, Math.round(bar.volume / 100)),
    vw: Math.round(((bar.open + bar.high + bar.low + bar.close) / 4) * 10_000) / 10_000,
  };
}

/** A number as Alpaca writes money and quantities: a plain decimal string. */
export function decimal(value: number): string {
  return String(Math.round(value * 1e9) / 1e9);
}

/** Parses an RFC 3339 time or a date (YYYY-MM-DD) parameter; throws Alpaca's 400 otherwise. */
export function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (!Number.isFinite(time) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw alpacaErrors.badParameter(name, value);
  return time;
}

/** An Alpaca timeframe ("1Min", "15T", "1Hour", "1H", "1Day", "1D"; any case) as a bar span. */
export function parseTimeframe(value: string | undefined): { kind: "minute" | "hour" | "day"; count: number } {
  const match = /^(\d+)(min|t|hour|h|day|d)$/i.exec(value ?? "");
  const count = Number(match?.[1]);
  const unit = match?.[2]?.toLowerCase();
  if (unit === "min" || unit === "t") if (count >= 1 && count <= 59) return { kind: "minute", count };
  if (unit === "hour" || unit === "h") if (count >= 1 && count <= 23) return { kind: "hour", count };
  if ((unit === "day" || unit === "d") && count === 1) return { kind: "day", count };
  throw new AlpacaError(400, 40010001, `invalid timeframe: ${value ?? "(none)"}`);
}
