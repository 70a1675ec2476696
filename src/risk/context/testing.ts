import { type CandleSeries, seriesFromCandles } from "../../domain/candles.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { PortfolioView } from "../../domain/order.js";
import type { Strategy, StrategySignal } from "../../strategy/strategy.js";
import { EMPTY_SNAPSHOT } from "../market-snapshot.js";
import type { ProposedOrder, RiskContext } from "../shield.js";

/** Test helpers: an order and a context for checking one layer alone; a series and a strategy for the engine. */

const FLAT_PORTFOLIO: PortfolioView = {
  cash: 10_000,
  equity: () => 10_000,
  positionQuantity: () => 0,
  position: () => undefined,
  symbols: () => [],
  grossExposure: () => 0,
  usedMargin: () => 0,
  openPositionCount: () => 0,
};

/** A 1-unit market buy decided on the 1h bar that opens at `time` (so the decision instant is time + 1h). */
export function testOrder(time: number, overrides: Partial<ProposedOrder> = {}): ProposedOrder {
  return {
    symbol: "BTC/USDT",
    side: "buy",
    quantity: 1,
    price: 100,
    reduceOnly: false,
    leverage: 1,
    confidence: 0.9,
    time,
    strategy: "test",
    ...overrides,
  };
}

/** The context of `order` on a 1h series (periodsPerYear 8760); `periodsPerYear: NaN` for an unknown bar length. */
export function testContext(order: ProposedOrder, periodsPerYear = 8760): RiskContext {
  return {
    portfolio: FLAT_PORTFOLIO,
    instrument: defaultInstrument(order.symbol),
    time: order.time,
    market: { ...EMPTY_SNAPSHOT, symbol: order.symbol, close: order.price, periodsPerYear },
  };
}

/** A strategy that does what `script` says at the given bar indices (confidence 0.9) and holds otherwise. */
export function scripted(
  script: Readonly<Record<number, "buy" | "sell" | "close">>,
  exits?: StrategySignal["exits"],
): Strategy {
  return {
    name: "scripted",
    parameters: {},
    init() {
      return (context) => {
        const action = script[context.index];
        if (action === undefined) return undefined;
        return {
          action,
          reason: `script: ${action}`,
          confidence: 0.9,
          ...(action !== "close" && exits ? { exits } : {}),
        };
      };
    },
  };
}

/** `closes.length` 1h bars from `start` (open = previous close, high/low 0.5 around), for engine scenarios. */
export function hourlySeries(closes: readonly number[], start: number, symbol = "BTC/USDT"): CandleSeries {
  return seriesFromCandles(
    symbol,
    "1h",
    closes.map((close, i) => {
      const open = i === 0 ? close : (closes[i - 1] as number);
      return {
        time: start + i * 3_600_000,
        open,
        high: Math.max(open, close) + 0.5,
        low: Math.min(open, close) - 0.5,
        close,
        volume: 1000,
      };
    }),
  );
}
