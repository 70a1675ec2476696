/**
 * Market listings for the fake Binance server, copied in shape from real /api/v3/exchangeInfo and
 * /fapi/v1/exchangeInfo answers (trimmed to the fields CCXT's binance.parseMarket reads plus the usual neighbours),
 * so CCXT parses them exactly as it parses the real ones.
 */

/** One entry of exchangeInfo.symbols, in Binance's format. */
export interface FakeMarket {
  readonly symbol: string;
  readonly [field: string]: unknown;
}

function spotMarket(baseAsset: string, quoteAsset: string, tickSize: string, stepSize: string): FakeMarket {
  return {
    symbol: `${baseAsset}${quoteAsset}`,
    status: "TRADING",
    baseAsset,
    baseAssetPrecision: 8,
    quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: tickSize, maxPrice: "1000000.00000000", tickSize },
      { filterType: "LOT_SIZE", minQty: stepSize, maxQty: "9000.00000000", stepSize },
      { filterType: "ICEBERG_PARTS", limit: 10 },
      { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: "83.14256473", stepSize: "0.00000000" },
      {
        filterType: "TRAILING_DELTA",
        minTrailingAboveDelta: 10,
        maxTrailingAboveDelta: 2000,
        minTrailingBelowDelta: 10,
        maxTrailingBelowDelta: 2000,
      },
      {
        filterType: "PERCENT_PRICE_BY_SIDE",
        bidMultiplierUp: "5",
        bidMultiplierDown: "0.2",
        askMultiplierUp: "5",
        askMultiplierDown: "0.2",
        avgPriceMins: 5,
      },
      {
        filterType: "NOTIONAL",
        minNotional: "5.00000000",
        applyMinToMarket: true,
        maxNotional: "9000000.00000000",
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
      { filterType: "MAX_NUM_ALGO_ORDERS", maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: [["SPOT", "MARGIN", "TRD_GRP_004", "TRD_GRP_005", "TRD_GRP_006"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}

/** Spot markets listed by the fake server: BTC/USDT and ETH/USDT. */
export const spotExchangeInfo: readonly FakeMarket[] = [
  spotMarket("BTC", "USDT", "0.01000000", "0.00001000"),
  spotMarket("ETH", "USDT", "0.01000000", "0.00010000"),
];

/** USDⓈ-M futures markets listed by the fake server: the BTCUSDT perpetual (CCXT symbol BTC/USDT:USDT). */
export const futuresExchangeInfo: readonly FakeMarket[] = [
  {
    symbol: "BTCUSDT",
    pair: "BTCUSDT",
    contractType: "PERPETUAL",
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: "TRADING",
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: "BTC",
    quoteAsset: "USDT",
    marginAsset: "USDT",
    pricePrecision: 2,
    quantityPrecision: 3,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: ["PoW"],
    triggerProtect: "0.0500",
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "556.80", maxPrice: "4529764", tickSize: "0.10" },
      { filterType: "LOT_SIZE", minQty: "0.001", maxQty: "1000", stepSize: "0.001" },
      { filterType: "MARKET_LOT_SIZE", minQty: "0.001", maxQty: "120", stepSize: "0.001" },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MAX_NUM_ALGO_ORDERS", limit: 10 },
      { filterType: "MIN_NOTIONAL", notional: "100" },
      { filterType: "PERCENT_PRICE", multiplierUp: "1.0500", multiplierDown: "0.9500", multiplierDecimal: "4" },
    ],
    orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
    timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD"],
  },
];

/**
 * The exchangeInfo body for `markets`, honouring Binance's `symbol` filter. Simplification: an unknown symbol gives
 * an empty list where Binance answers -1121; CCXT never filters exchangeInfo, so nothing here depends on it.
 */
export function exchangeInfoFor(
  markets: readonly FakeMarket[],
  serverTime: number,
  query: Readonly<Record<string, string>>,
): unknown {
  const wanted = query["symbol"];
  return {
    timezone: "UTC",
    serverTime,
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
      { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 200000 },
      { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: wanted === undefined ? markets : markets.filter((market) => market.symbol === wanted),
  };
}
