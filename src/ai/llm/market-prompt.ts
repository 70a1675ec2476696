/** The bars a prompt shows, columnar, oldest first (the shape of the domain's candle series columns). */
export interface PromptCandles {
  readonly time: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

/**
 * An indicator column aligned with the candles. "price": in price units (a moving average, a Bollinger band), so
 * masking turns it into % from the last close like the prices; "level": a bounded oscillator (RSI, ADX), which
 * identifies nothing and is shown as is.
 */
export interface PromptIndicator {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly kind: "price" | "level";
}

export interface MarketPromptInput {
  readonly symbol: string;
  readonly timeframe: string;
  readonly candles: PromptCandles;
  /** Index of the last bar shown (the decision bar); default the last one. */
  readonly end?: number;
  /** How many bars (default 24). */
  readonly bars?: number;
  readonly indicators?: readonly PromptIndicator[];
  /**
   * Masked: prices as % from the last close, volumes relative to the window's mean, bars as offsets (0 = the last,
   * −1 the one before), the asset called ASSET. What stays is the shape of the series, which is what the model is
   * asked about; what goes is what a model could look up in its memory of the real history.
   */
  readonly masked: boolean;
  /** Decimals of the masked percentages (default 2); fewer blur the series' fingerprint (see the masking bench). */
  readonly maskedDecimals?: number;
}

/** The name a masked prompt gives the asset. */
export const MASKED_ASSET = "ASSET";

/**
 * Renders candles and indicators as a table for a language model's user prompt. Unmasked it shows what a trader
 * sees (dates, prices, the ticker); masked see `MarketPromptInput.masked`. The table is plain text with one row per
 * bar so that a model and a test read it the same way.
 */
export function renderMarketPrompt(input: MarketPromptInput): string {
  const { candles, masked } = input;
  const end = input.end ?? candles.close.length - 1;
  const count = Math.min(input.bars ?? 24, end + 1);
  if (!(end >= 0 && end < candles.close.length)) {
    throw new RangeError(`market prompt: bar ${end} is outside the ${candles.close.length} candles`);
  }
  if (!(count >= 1)) throw new RangeError(`market prompt: needs at least one bar, got ${input.bars}`);
  const start = end - count + 1;
  const lastClose = candles.close[end] as number;
  let meanVolume = 0;
  for (let i = start; i <= end; i++) meanVolume += (candles.volume[i] as number) / count;
  const indicators = input.indicators ?? [];

  const decimals = input.maskedDecimals ?? 2;
  const price = (value: number) =>
    masked
      ? signedPct(((value - lastClose) / lastClose) * 100, decimals)
      : Number.isFinite(value)
        ? String(value)
        : "n/a";
  const volume = (value: number) =>
    masked ? (meanVolume > 0 ? (value / meanVolume).toFixed(2) : "n/a") : String(value);
  const level = (value: number) => (Number.isFinite(value) ? String(Number(value.toFixed(2))) : "n/a");

  const header = [
    masked ? "bar" : "time (UTC)",
    "open",
    "high",
    "low",
    "close",
    masked ? "volume/mean" : "volume",
    ...indicators.map((indicator) => indicator.name),
  ];
  const rows = [header.join(" | ")];
  for (let i = start; i <= end; i++) {
    rows.push(
      [
        masked ? String(i - end) : formatUtc(candles.time[i] as number),
        price(candles.open[i] as number),
        price(candles.high[i] as number),
        price(candles.low[i] as number),
        price(candles.close[i] as number),
        volume(candles.volume[i] as number),
        ...indicators.map((indicator) => {
          const value = indicator.values[i] as number;
          return indicator.kind === "price" && Number.isFinite(value) ? price(value) : level(value);
        }),
      ].join(" | "),
    );
  }
  const title = masked
    ? `Market: ${MASKED_ASSET}, ${input.timeframe} bars, oldest first. Prices are % from the last close; volume is relative to the mean of these bars; bar 0 is the latest closed bar.`
    : `Market: ${input.symbol}, ${input.timeframe} bars, oldest first; the last row is the latest closed bar.`;
  return `${title}\n${rows.join("\n")}`;
}

/** A percentage with its sign ("+0.21", "-0.04", "0.00"). */
export function signedPct(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return "n/a";
  const text = value.toFixed(decimals);
  return Number(text) === 0 ? (0).toFixed(decimals) : value > 0 ? `+${text}` : text;
}

function formatUtc(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace("T", " ");
}
