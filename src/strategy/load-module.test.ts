import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBacktest } from "../backtest/run-backtest.js";
import { simulateMarket } from "../data/simulated/sim-market.js";
import { loadStrategyModule } from "./load-module.js";
import { loadAnyStrategy, resolveSpec } from "./registry.js";

const example = resolve(import.meta.dirname, "../../examples/strategies/my-strategy.ts");
const dir = mkdtempSync(join(tmpdir(), "aegis-strategy-module-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const shortOnEveryOtherBar = `
export default {
  name: "alternate",
  parameters: {},
  allowShort: true,
  sizing: { type: "fixed-base", value: 0.5 },
  init() {
    return (context) => (context.index % 10 === 5 ? { action: context.position.quantity >= 0 ? "sell" : "buy", reason: "alternate" } : undefined);
  },
};
`;

describe("strategy modules", () => {
  it("loads the TypeScript example with --param values through its factory", async () => {
    const strategy = await loadStrategyModule(example, { period: 30, band: 1 });
    expect(strategy.name).toBe("dip-in-uptrend");
    expect(strategy.parameters).toEqual({ period: 30, band: 1 });
    expect(strategy.sizing).toEqual({ type: "percent-equity", value: 50 });
  });

  it("runs the TypeScript example in a backtest, sized by the strategy's own sizing", async () => {
    const strategy = await loadAnyStrategy(example, { period: 30, band: 1 });
    const { series } = simulateMarket({ seed: 4, bars: 3000 });
    const result = runBacktest({ feeds: [{ series, strategy }], cash: 10_000, fee: 0 });
    expect(result.trades.length).toBeGreaterThan(0);
    const first = result.fills[0]!;
    // percent-equity 50: the first order spends half of the 10,000 cash (slippage aside).
    expect(first.quantity * first.price).toBeGreaterThan(4_900);
    expect(first.quantity * first.price).toBeLessThan(5_100);
  });

  it("loads a plain JavaScript module and the engine honours its allowShort and sizing", async () => {
    const strategy = await loadAnyStrategy(module("alternate.mjs", shortOnEveryOtherBar));
    expect(strategy.allowShort).toBe(true);
    const { series } = simulateMarket({ seed: 4, bars: 200 });
    const result = runBacktest({ feeds: [{ series, strategy }], cash: 100_000, fee: 0 });
    expect(result.fills[0]?.side).toBe("sell");
    expect(result.fills[0]?.quantity).toBeCloseTo(0.5, 12);
  });

  it.each([
    ["nothing.mjs", "export const x = 1;\n", /exports no strategy: export default/],
    ["text.mjs", 'export default "sma-cross";\n', /the export is a string, not a strategy/],
    [
      "shape.mjs",
      "export default { name: 'x', parameters: { a: 'b' } };\n",
      /init must be a function.*parameters\.a must be a finite number/,
    ],
    [
      "sizing.mjs",
      "export default { name: 'x', parameters: {}, init() {}, sizing: { type: 'all', value: 1 } };\n",
      /sizing\.type must be one of/,
    ],
    ["broken.mjs", "export default {\n", /cannot load strategy module .*broken\.mjs/],
    ["broken.ts", "const x: number = ;\n", /cannot load strategy module .*broken\.ts/],
  ])("refuses %s with a message that says what is wrong", async (name, text, message) => {
    await expect(loadStrategyModule(module(name, text))).rejects.toThrowError(message);
  });

  it("refuses --param for a module that exports a fixed strategy, and a missing file", async () => {
    const path = module("fixed.mjs", shortOnEveryOtherBar);
    await expect(loadStrategyModule(path, { a: 1 })).rejects.toThrowError(/--param cannot change it/);
    await expect(loadStrategyModule(join(dir, "absent.ts"))).rejects.toThrowError(/does not exist/);
  });

  it("tells spec-only commands that a module is not a spec, instead of parsing its code as YAML", () => {
    expect(() => resolveSpec(example)).toThrowError(/is a TypeScript\/JavaScript strategy/);
  });
});
