/**
 * The markets the simulated exchange lists, in the shape of Binance's /api/v3/exchangeInfo and /fapi/v1/exchangeInfo
 * (the fields CCXT's binance.parseMarket reads plus the usual neighbours), and the filter checks Binance applies to
 * a new order (PRICE_FILTER, LOT_SIZE, NOTIONAL) with Binance's -1013 messages.
 */

/** One tradable pair; the exchange lists it both as a spot market and as a USDⓈ-M perpetual. */
export interface SimMarketSpec {
  readonly base: string;
  readonly quote: string;
  /** Price of the first simulated bar. */
  readonly startPrice: number;
}

/** The filters of one listing, as numbers. */
export interface SimMarketFilters {
  readonly tickSize: number;
  readonly stepSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly minNotional: number;
}

export type SimVenue = "spot" | "futures";

export interface SimListing {
  /** Binance id, e.g. BTCUSDT (the same for spot and futures). */
  readonly id: string;
  readonly venue: SimVenue;
  readonly spec: SimMarketSpec;
  readonly filters: SimMarketFilters;
}

/** Decimal places of a power-of-ten step such as 0.001 (3). */
export function stepDecimals(step: number): number {
  return Math.max(0, Math.round(-Math.log10(step)));
}

/** A quantity step worth roughly a few tenths of the quote currency at `price`: 1e-5 for 30 000, 1e-4 for 2 000. */
function quantityStep(price: number): number {
  return 10 ** Math.floor(Math.log10(1 / price) - 0.5 + 1e-9);
}

export function listingsFor(specs: readonly SimMarketSpec[]): { spot: SimListing[]; futures: SimListing[] } {
  const spot: SimListing[] = [];
  const futures: SimListing[] = [];
  for (const spec of specs) {
    const id = `${spec.base}${spec.quote}`;
    const step = quantityStep(spec.startPrice);
    spot.push({
      id,
      venue: "spot",
      spec,
      filters: { tickSize: 0.01, stepSize: step, minQty: step, maxQty: 9000, minNotional: 5 },
    });
    futures.push({
      id,
      venue: "futures",
      spec,
      filters: { tickSize: 0.1, stepSize: step * 100, minQty: step * 100, maxQty: 1000, minNotional: 5 },
    });
  }
  return { spot, futures };
}

const fixed = (value: number, step: number): string => value.toFixed(stepDecimals(step));

function spotSymbol(listing: SimListing): Record<string, unknown> {
  const { tickSize, stepSize, minQty, maxQty, minNotional } = listing.filters;
  return {
    symbol: listing.id,
    status: "TRADING",
    baseAsset: listing.spec.base,
    baseAssetPrecision: 8,
    quoteAsset: listing.spec.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET"],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: false,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: "PRICE_FILTER",
        minPrice: fixed(tickSize, tickSize),
        maxPrice: "1000000.00",
        tickSize: fixed(tickSize, tickSize),
      },
      {
        filterType: "LOT_SIZE",
        minQty: fixed(minQty, stepSize),
        maxQty: fixed(maxQty, stepSize),
        stepSize: fixed(stepSize, stepSize),
      },
      {
        filterType: "NOTIONAL",
        minNotional: minNotional.toFixed(8),
        applyMinToMarket: true,
        maxNotional: "9000000.00000000",
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}

function futuresSymbol(listing: SimListing): Record<string, unknown> {
  const { tickSize, stepSize, minQty, maxQty, minNotional } = listing.filters;
  return {
    symbol: listing.id,
    pair: listing.id,
    contractType: "PERPETUAL",
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: "TRADING",
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: listing.spec.base,
    quoteAsset: listing.spec.quote,
    marginAsset: listing.spec.quote,
    pricePrecision: stepDecimals(tickSize),
    quantityPrecision: stepDecimals(stepSize),
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: [],
    triggerProtect: "0.0500",
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
    maxMoveOrderLimit: 10000,
    filters: [
      {
        filterType: "PRICE_FILTER",
        minPrice: fixed(tickSize, tickSize),
        maxPrice: "4529764",
        tickSize: fixed(tickSize, tickSize),
      },
      {
        filterType: "LOT_SIZE",
        minQty: fixed(minQty, stepSize),
        maxQty: fixed(maxQty, stepSize),
        stepSize: fixed(stepSize, stepSize),
      },
      {
        filterType: "MARKET_LOT_SIZE",
        minQty: fixed(minQty, stepSize),
        maxQty: fixed(maxQty, stepSize),
        stepSize: fixed(stepSize, stepSize),
      },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MIN_NOTIONAL", notional: String(minNotional) },
    ],
    orderTypes: ["LIMIT", "MARKET"],
    timeInForce: ["GTC", "IOC", "FOK", "GTX"],
  };
}

/** The exchangeInfo body for `listings`, stamped with `serverTime`. */
export function exchangeInfoBody(listings: readonly SimListing[], serverTime: number): unknown {
  return {
    timezone: "UTC",
    serverTime,
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    ...(listings[0]?.venue === "futures" ? { assets: [] } : {}),
    symbols: listings.map((listing) => (listing.venue === "spot" ? spotSymbol(listing) : futuresSymbol(listing))),
  };
}

/** Whether `value` is a whole multiple of `step` (within floating-point noise). */
function onStep(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-6;
}

/** Binance's -1013 message for the first filter `quantity`/`price` breaks, or undefined when the order passes. */
export function filterFailure(
  filters: SimMarketFilters,
  quantity: number,
  price: number | undefined,
  referencePrice: number,
): string | undefined {
  if (price !== undefined && (price < filters.tickSize || !onStep(price, filters.tickSize))) {
    return "Filter failure: PRICE_FILTER";
  }
  if (quantity < filters.minQty || quantity > filters.maxQty || !onStep(quantity, filters.stepSize)) {
    return "Filter failure: LOT_SIZE";
  }
  if (quantity * (price ?? referencePrice) < filters.minNotional) return "Filter failure: NOTIONAL";
  return undefined;
}
