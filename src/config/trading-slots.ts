import { z } from "zod";

/**
 * `trading.slots`: what `aegis trade` runs on each symbol, the YAML form of `--symbols` and `--strategy SYMBOL=NAME`.
 * A slot's strategy is one name or a list: the first is the slot's strategy, the others vote beside it (as repeated
 * `--strategy` flags do). Names are those `--strategy` takes: a built-in, a spec file, `ml:FILE`, `ai`, `lifecycle`.
 */
const strategyName = z
  .string()
  .trim()
  .min(1, "a strategy name cannot be empty")
  .refine((name) => !name.includes(","), "one strategy per entry: use a list instead of a comma");

export const tradingSlotSchema = z
  .object({
    symbol: z
      .string()
      .trim()
      .min(1, "a symbol cannot be empty")
      .regex(/^[^,=\s]+$/, "a symbol is one name such as BTC/USDT or AAPL (no comma, '=' or space)")
      .transform((symbol) => symbol.toUpperCase()),
    strategy: z.union([strategyName, z.array(strategyName).min(1, "name at least one strategy")]),
  })
  .strict();

export const tradingSlotsSchema = z
  .array(tradingSlotSchema)
  .min(1, "list at least one slot, or leave trading.slots out")
  .superRefine((slots, context) => {
    const seen = new Map<string, number>();
    slots.forEach((slot, i) => {
      const first = seen.get(slot.symbol);
      if (first !== undefined)
        context.addIssue({
          code: "custom",
          path: [i, "symbol"],
          message: `${slot.symbol} already has slot ${first}: list its strategies in one slot (strategy: [A, B])`,
        });
      else seen.set(slot.symbol, i);
      const names = typeof slot.strategy === "string" ? [slot.strategy] : slot.strategy;
      const twice = names.find((name, j) => names.indexOf(name) !== j);
      if (twice !== undefined)
        context.addIssue({
          code: "custom",
          path: [i, "strategy"],
          message: `${twice} is listed twice for ${slot.symbol}; each strategy votes once per symbol`,
        });
    });
  });

export type TradingSlot = z.infer<typeof tradingSlotSchema>;

/** The command-line form of `trading.slots`: `--symbols A,B` and one `--strategy SYMBOL=NAME` per strategy. */
export function slotsAsFlags(slots: readonly TradingSlot[]): { symbols: string[]; strategy: string[] } {
  return {
    symbols: slots.map((slot) => slot.symbol),
    strategy: slots.flatMap((slot) =>
      (typeof slot.strategy === "string" ? [slot.strategy] : slot.strategy).map((name) => `${slot.symbol}=${name}`),
    ),
  };
}
