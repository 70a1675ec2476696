/**
 * What the venue allows for one tradable symbol. Order quantities and prices are rounded to these before they reach
 * a broker, so a backtest never fills an order the exchange would have rejected.
 */
export interface Instrument {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Smallest price increment. */
  readonly tickSize: number;
  /** Smallest quantity increment. */
  readonly lotSize: number;
  readonly minQuantity: number;
  /** Smallest order value in quote currency. */
  readonly minNotional: number;
  /** Fees as a fraction of notional (0.001 = 0.1 %). */
  readonly makerFee: number;
  readonly takerFee: number;
  readonly kind: "spot" | "perpetual" | "equity";
}

export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.includes("/") ? symbol.split("/") : [symbol, "USD"];
  return { base: base ?? symbol, quote: (quote ?? "USD").split(":")[0] ?? "USD" };
}

/** Sensible defaults for a symbol nobody described: Binance-spot-like increments and fees. */
export function defaultInstrument(symbol: string, overrides: Partial<Instrument> = {}): Instrument {
  const { base, quote } = splitSymbol(symbol);
  return {
    symbol,
    base,
    quote,
    tickSize: 0.01,
    lotSize: 0.00001,
    minQuantity: 0.00001,
    minNotional: 5,
    makerFee: 0.001,
    takerFee: 0.001,
    kind: "spot",
    ...overrides,
  };
}

/**
 * Rounds down to a multiple of `step`, guarding against binary noise such as 0.30000000000000004. The guard grows
 * with the number of steps: 2.572678157 / 1e-9 is 2572678156.9999995 in binary, half a millionth of a step short,
 * which a fixed 1e-9 would floor to one lot less (a fractional share order that never matches its fill).
 */
export function floorToStep(value: number, step: number): number {
  if (!(step > 0)) return value;
  const ratio = value / step;
  const units = Math.floor(ratio + Math.max(1e-9, Math.abs(ratio) * 1e-12));
  return roundTo(units * step, decimalsOf(step));
}

export function roundToStep(value: number, step: number): number {
  if (!(step > 0)) return value;
  return roundTo(Math.round(value / step) * step, decimalsOf(step));
}

function decimalsOf(step: number): number {
  if (step >= 1) return 0;
  return Math.min(15, Math.ceil(-Math.log10(step) - 1e-9));
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
