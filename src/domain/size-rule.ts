/**
 * How big a new position should be, before the risk shield scales it: base units, a quote amount, or a share of
 * equity in percent (10 = 10 %). One type for `--size`, the config's sizes and a strategy spec's `sizing`.
 */
export type SizeRule =
  | { type: "fixed-base"; value: number }
  | { type: "fixed-quote"; value: number }
  | { type: "percent-equity"; value: number };
