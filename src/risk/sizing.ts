/** How big a new position should be, before the risk shield scales it. */
export type SizeRule =
  | { type: "fixed-base"; value: number }
  | { type: "fixed-quote"; value: number }
  | { type: "percent-equity"; value: number };

/**
 * Parses the command line's `--size`: `1` is one unit of the base asset, `1000USDT` (or `1000 quote`) a quote
 * amount, `10%` a share of equity.
 */
export function parseSize(text: string): SizeRule {
  const t = text.trim();
  const percent = /^([0-9]*\.?[0-9]+)\s*%$/.exec(t);
  if (percent) {
    const value = Number(percent[1]);
    if (!(value > 0 && value <= 10_000)) throw new RangeError(`--size ${text}: a percentage must be in (0, 10000]`);
    return { type: "percent-equity", value };
  }
  const quote = /^([0-9]*\.?[0-9]+)\s*([A-Za-z]{2,10})$/.exec(t);
  if (quote) {
    const value = Number(quote[1]);
    if (!(value > 0)) throw new RangeError(`--size ${text}: the amount must be > 0`);
    return { type: "fixed-quote", value };
  }
  const base = /^([0-9]*\.?[0-9]+)$/.exec(t);
  if (base) {
    const value = Number(base[1]);
    if (!(value > 0)) throw new RangeError(`--size ${text}: the quantity must be > 0`);
    return { type: "fixed-base", value };
  }
  throw new RangeError(
    `invalid --size "${text}" (examples: 1 = one unit of the base asset, 1000USDT = a quote amount, 10% = share of equity)`,
  );
}

/**
 * Base quantity for `rule` at `price`. A share of equity leaves room for the taker fee so that "100 %" is
 * affordable; leverage multiplies the notional a share of equity buys.
 */
export function quantityFor(rule: SizeRule, price: number, equity: number, takerFee: number, leverage = 1): number {
  if (!(price > 0)) return 0;
  switch (rule.type) {
    case "fixed-base":
      return rule.value;
    case "fixed-quote":
      return rule.value / price;
    case "percent-equity": {
      const margin = (Math.max(0, equity) * rule.value) / 100;
      return (margin * leverage) / (price * (1 + takerFee * leverage));
    }
  }
}
