import type { SizeRule } from "../../domain/size-rule.js";

export type { SizeRule } from "../../domain/size-rule.js";

/** The two currencies of a market: quantities are in `base`, prices and cash in `quote`. */
export interface CurrencyPair {
  readonly base: string;
  readonly quote: string;
}

const EXAMPLES = "examples: 1 = one unit of the base asset, 2BTC, 1000USDT = a quote amount, 10% = share of equity";

/**
 * Parses a size as `--size` and the config write it: `1` is one unit of the base asset, `10%` a share of equity,
 * and a number with a currency is in that currency: `2BTC` on BTC/USDT is 2 BTC (base units), `1000USDT` is a
 * quote amount. `base` and `quote` may stand for the currency. With `pair`, any other currency is refused (it used
 * to be read as a quote amount: `1000EUR` bought 1000 USDT). Without `pair` (sizes that apply to every symbol, as
 * in the risk config), a currency names the quote.
 */
export function parseSize(text: string, pair?: CurrencyPair): SizeRule {
  const t = text.trim();
  const percent = /^([0-9]*\.?[0-9]+)\s*%$/.exec(t);
  if (percent) {
    const value = Number(percent[1]);
    if (!(value > 0 && value <= 10_000)) throw new RangeError(`--size ${text}: a percentage must be in (0, 10000]`);
    return { type: "percent-equity", value };
  }
  const withCurrency = /^([0-9]*\.?[0-9]+)\s*([A-Za-z]{2,10})$/.exec(t);
  if (withCurrency) {
    const value = Number(withCurrency[1]);
    if (!(value > 0)) throw new RangeError(`--size ${text}: the amount must be > 0`);
    const type = currencyUnit(text, (withCurrency[2] as string).toUpperCase(), pair);
    return { type, value };
  }
  const base = /^([0-9]*\.?[0-9]+)$/.exec(t);
  if (base) {
    const value = Number(base[1]);
    if (!(value > 0)) throw new RangeError(`--size ${text}: the quantity must be > 0`);
    return { type: "fixed-base", value };
  }
  throw new RangeError(`invalid --size "${text}" (${EXAMPLES})`);
}

function currencyUnit(text: string, currency: string, pair: CurrencyPair | undefined): "fixed-base" | "fixed-quote" {
  if (currency === "BASE") return "fixed-base";
  if (currency === "QUOTE") return "fixed-quote";
  if (!pair) return "fixed-quote";
  if (currency === pair.base.toUpperCase()) return "fixed-base";
  if (currency === pair.quote.toUpperCase()) return "fixed-quote";
  throw new RangeError(
    `--size ${text}: ${currency} is neither the base (${pair.base}) nor the quote (${pair.quote}) of the market; ` +
      `give ${pair.base} or ${pair.quote}, or name the currencies with --symbol BASE/QUOTE`,
  );
}

/** Quote currencies recognised at the end of a pair written without a slash (BTCUSDT, ETHBTC); longest first. */
const QUOTES = ["FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USD", "EUR", "GBP", "JPY", "TRY", "BTC", "ETH", "BNB"];
const CONCATENATED_PAIR = new RegExp(`^([A-Z0-9]+?)(${QUOTES.join("|")})$`);

/**
 * The currencies of a symbol: `BTC/USDT` (or `BTC/USDT:USDT`) as written; a name such as `binance_spot_BTCUSDT_1h`
 * (a CSV file's) by its upper-case pair; anything else (`yahoo_AAPL_1d`, an equity) as the whole name quoted in USD,
 * as the engine's default instrument does.
 */
export function currenciesOf(symbol: string): CurrencyPair {
  if (symbol.includes("/")) {
    const [base, rest] = symbol.split("/");
    return { base: base ?? symbol, quote: (rest ?? "USD").split(":")[0] ?? "USD" };
  }
  for (const token of symbol.split(/[_\-.\s]+/)) {
    if (token !== token.toUpperCase()) continue;
    const match = CONCATENATED_PAIR.exec(token);
    if (match) return { base: match[1] as string, quote: match[2] as string };
  }
  return { base: symbol, quote: "USD" };
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
