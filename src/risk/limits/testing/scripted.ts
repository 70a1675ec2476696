import type { Strategy, StrategySignal } from "../../../strategy/strategy.js";

/** A test strategy that emits the given signal at each listed bar index and holds otherwise. */
export function scripted(script: Readonly<Record<number, StrategySignal>>, name = "scripted"): Strategy {
  return {
    name,
    parameters: {},
    init() {
      return (ctx) => script[ctx.index];
    },
  };
}

export const BUY: StrategySignal = { action: "buy", reason: "test buy", confidence: 0.9 };
export const CLOSE: StrategySignal = { action: "close", reason: "test close", confidence: 0.9 };

/** `count` flat rows at `price` for `bars()`: [open, high, low, close]. */
export function flat(count: number, price = 100): [number, number, number, number][] {
  return Array.from({ length: count }, () => [price, price, price, price]);
}
