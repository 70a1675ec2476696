/**
 * A strategy written in TypeScript: `aegis backtest --strategy examples/strategies/my-strategy.ts`.
 *
 * The module's default export is either a `Strategy` or, as here, a function that receives the `--param` values
 * (`--param period=50 --param band=2`) and returns one. `init` runs once per symbol before the first bar: it asks
 * for the series it reads and returns the per-bar function. Readers answer `at(0)` (the bar that just closed)
 * and `at(n)` (n bars back); nothing can read a later bar, so the strategy cannot look ahead.
 *
 * Rule: buy when the close falls more than `band` percent below its SMA while the SMA is rising (a dip in an
 * uptrend); close when the close gets back above the SMA.
 */
import type { BarContext, Strategy, StrategySetup, StrategySignal } from "../../src/strategy/strategy.js";

export default function myStrategy(parameters: Record<string, number> = {}): Strategy {
  const period = parameters.period ?? 50;
  const band = parameters.band ?? 2;
  for (const name of Object.keys(parameters)) {
    if (name !== "period" && name !== "band") throw new Error(`unknown parameter ${name} (period, band)`);
  }
  if (!Number.isInteger(period) || period < 2) throw new Error(`period must be a whole number >= 2, got ${period}`);
  return {
    name: "dip-in-uptrend",
    parameters: { period, band },
    // Optional: the default order size (`--size` overrides it) and whether `sell` may open a short.
    sizing: { type: "percent-equity", value: 50 },
    allowShort: false,
    init(setup: StrategySetup) {
      const close = setup.price("close");
      const average = setup.indicator({ type: "sma", period });
      return (context: BarContext): StrategySignal | undefined => {
        const price = close.at(0);
        const sma = average.at(0);
        if (Number.isNaN(sma) || Number.isNaN(average.at(1))) return undefined; // still warming up
        if (context.position.quantity === 0 && price < sma * (1 - band / 100) && sma > average.at(1)) {
          return { action: "buy", reason: `close ${band}% below a rising SMA(${period})`, exits: { stopLossPct: 0.05 } };
        }
        if (context.position.quantity > 0 && price > sma) return { action: "close", reason: "back above the SMA" };
        return undefined;
      };
    },
  };
}
