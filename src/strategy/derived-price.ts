import type { PriceField } from "./strategy.js";

/** The value of a price field for one bar; hl2, hlc3 and ohlc4 are the usual typical prices. */
export function derivedPrice(field: PriceField, o: number, h: number, l: number, c: number, v: number): number {
  switch (field) {
    case "open":
      return o;
    case "high":
      return h;
    case "low":
      return l;
    case "close":
      return c;
    case "volume":
      return v;
    case "hl2":
      return (h + l) / 2;
    case "hlc3":
      return (h + l + c) / 3;
    case "ohlc4":
      return (o + h + l + c) / 4;
  }
}
