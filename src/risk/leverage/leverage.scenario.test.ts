import { describe, expect, it } from "vitest";
import { buy, runScenario, scripted } from "../../engine/testing/engine-harness.js";
import { bars } from "../../execution/testing/bars.js";
import { createLeverageLayers, leverageGuardSchema } from "./volatility-leverage.js";

type Row = [number, number, number, number];

/** Closes alternating 100 and 100·e^step: every log return is ±step, so the 20-bar volatility is `step`. */
function zigzag(step: number, length = 30): Row[] {
  const closes = Array.from({ length }, (_, i) => 100 * Math.exp(step * (i % 2)));
  return closes.map((close, i) => {
    const open = closes[i - 1] ?? close;
    return [open, Math.max(open, close), Math.min(open, close), close];
  });
}

const run = (step: number, leverage: number, config: Record<string, unknown> = {}) =>
  runScenario({
    series: bars(zigzag(step)),
    strategy: scripted({ 25: buy() }),
    layers: createLeverageLayers(leverageGuardSchema.parse(config)),
    size: { type: "percent-equity", value: 100 },
    leverage,
    allowShort: true,
  });

const verdict = (result: ReturnType<typeof run>) =>
  result.decisions[0]?.risk[0]?.verdicts.find((v) => v.layer === "volatility-leverage");

describe("volatility-adjusted leverage in the engine", () => {
  it("denies a 3× order when 5 % bars (468 % a year) allow only 1× (200 % / 468 % is below the floor)", () => {
    const result = run(0.05, 3);
    expect(result.fills).toHaveLength(0);
    expect(result.decisions[0]?.outcome).toBe("rejected");
    expect(verdict(result)?.reason).toMatch(/^order leverage 3× above the volatility-adjusted max 1.00×/);
  });

  it("lets the same 3× order through when 0.1 % bars (9.4 % a year) allow 10×", () => {
    const result = run(0.001, 3);
    expect(verdict(result)?.verdict).toBe("allow");
    expect(result.fills[0]?.quantity).toBeGreaterThan(290);
  });

  it("scales 3× of equity down to 2.14× when 1 % bars (93.6 % a year) allow 200 % / 93.6 % and only exposure is checked", () => {
    const result = run(0.01, 3, { checkOrderLeverage: false });
    const maximum = 2 / (0.01 * Math.sqrt(8760));
    expect(verdict(result)?.verdict).toBe("scale");
    expect(verdict(result)?.scale).toBeCloseTo(Math.max(1, maximum) / 3, 6);
    const price = result.decisions[0]?.price as number;
    expect((result.fills[0]?.quantity as number) * price).toBeCloseTo(10_000 * Math.max(1, maximum), -1);
  });

  it("does not limit a 1× spot order however volatile the market", () => {
    const result = run(0.05, 1);
    expect(verdict(result)?.verdict).toBe("allow");
    expect(result.fills).toHaveLength(2);
  });
});
