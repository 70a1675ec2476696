import { describe, expect, it } from "vitest";
import { buy, quietBars, runScenario, scripted } from "../../engine/testing/engine-harness.js";
import { bars } from "../../execution/testing/bars.js";
import { createConfidenceScaling } from "./confidence-scaling.js";
import { createSizingLayers, sizingConfigSchema } from "./sizing-config.js";

type Row = [number, number, number, number];
type Result = ReturnType<typeof runScenario>;

const entryQuantity = (result: Result) => result.fills[0]?.quantity;
const verdictOf = (result: Result, layer: string, decision = 0) =>
  result.decisions[decision]?.risk[0]?.verdicts.find((v) => v.layer === layer);
const layers = (config: Record<string, unknown>) =>
  createSizingLayers(
    sizingConfigSchema.parse({
      confidenceScaling: { enabled: false },
      regimeAdjustment: { enabled: false },
      ...config,
    }),
  );

describe("confidence-scaled sizing in the engine", () => {
  it("buys 4 × 0.81^1.5 = 2.916 units on a 0.81-confident decision", () => {
    const result = runScenario({
      series: bars(quietBars(22)),
      strategy: scripted({ 19: buy(0.81) }),
      layers: [createConfidenceScaling()],
    });
    expect(entryQuantity(result)).toBe(2.916);
    expect(verdictOf(result, "confidence-scaling")).toMatchObject({
      verdict: "scale",
      reason: "confidence 0.810^1.5 = 0.7290",
    });
  });

  it("buys the full 4 units on a certain decision", () => {
    const result = runScenario({
      series: bars(quietBars(22)),
      strategy: scripted({ 19: buy(1) }),
      layers: [createConfidenceScaling()],
    });
    expect(entryQuantity(result)).toBe(4);
    expect(verdictOf(result, "confidence-scaling")?.verdict).toBe("allow");
  });
});

describe("regime-adjusted sizing in the engine", () => {
  const series = bars(quietBars(22));
  const run = (regimes?: number[]) =>
    runScenario({
      series,
      strategy: scripted({ 19: buy() }),
      layers: layers({ regimeAdjustment: { enabled: true } }),
      ...(regimes ? { regimes } : {}),
    });

  it("buys 30 % of the base in a crash and 120 % in a bull market", () => {
    expect(entryQuantity(run(new Array(22).fill(2)))).toBe(1.2);
    expect(verdictOf(run(new Array(22).fill(2)), "regime-sizing")?.reason).toBe("regime crash: size × 0.3");
    expect(entryQuantity(run(new Array(22).fill(0)))).toBe(4.8);
  });

  it("leaves the base alone while the regime is unknown, and says so", () => {
    const warmup = run(new Array(22).fill(-1));
    expect(entryQuantity(warmup)).toBe(4);
    expect(verdictOf(warmup, "regime-sizing")?.reason).toBe("regime unknown: size × 1 (neutral default)");
    expect(entryQuantity(run())).toBe(4);
  });
});

describe("fractional Kelly in the engine", () => {
  // Entries fill at opens 100, exits at 103, 103 and 98: two +3 % wins and one −2 % loss, then a fourth entry.
  const opens = [100, 100, 100, 103, 100, 103, 100, 98, 100, 100, 100];
  const rows: Row[] = opens.map((open, i) => {
    const close = opens[i + 1] ?? open;
    return [open, Math.max(open, close) + 0.1, Math.min(open, close) - 0.1, close];
  });
  const strategy = scripted({
    1: buy(),
    2: { action: "close", reason: "exit" },
    3: buy(),
    4: { action: "close", reason: "exit" },
    5: buy(),
    6: { action: "close", reason: "exit" },
    7: buy(),
  });
  const run = (minTrades: number) =>
    runScenario({
      series: bars(rows),
      strategy,
      layers: layers({ method: "kelly", kelly: { minTrades, lookbackTrades: 50 } }),
    });

  it("sizes the fourth entry at half Kelly once 3 trades are known: p 2/3, b 1.5 → 0.2222 of equity", () => {
    const result = run(3);
    const closed = result.trades.slice(0, 3);
    expect(closed.map((t) => t.returnPct)).toEqual([0.03, 0.03, -0.02].map((r) => expect.closeTo(r, 12)));
    // The first three entries used the 5 % fallback; equity at the fourth decision is 10 000 plus their PnL.
    const equity = 10_000 + closed.reduce((sum, t) => sum + t.netPnl, 0);
    const kelly = ((2 / 3 - 1 / 3 / 1.5) * 0.5 * equity) / 100;
    expect(result.fills[6]?.quantity).toBeCloseTo(kelly, 4);
    expect(verdictOf(result, "sizing:kelly", 6)?.reason).toMatch(/^Kelly: p 0.667, b 1.500 over 3 trades, f\* 0.444/);
  });

  it("uses the 5 % fallback while fewer than minTrades trades are closed", () => {
    const result = run(4);
    // 5 % of an equity that moves with each closed trade: 10 000, 10 015, 10 030.02, 10 019.99.
    expect(result.fills.filter((f) => f.reason === "test entry").map((f) => f.quantity)).toEqual([
      5, 5.0075, 5.01501, 5.00999,
    ]);
    expect(verdictOf(result, "sizing:kelly", 6)?.reason).toMatch(
      /^Kelly n\/a \(3 closed trades, fewer than the 4 Kelly needs\): fallback 5% of equity/,
    );
  });
});

describe("volatility targeting in the engine", () => {
  // Closes alternate 100 and 100·e^0.01: every log return is ±0.01, so the 20-bar volatility is 0.01.
  const closes = Array.from({ length: 30 }, (_, i) => 100 * Math.exp(0.01 * (i % 2)));
  const rows: Row[] = closes.map((close, i) => {
    const open = closes[i - 1] ?? close;
    return [open, Math.max(open, close), Math.min(open, close), close];
  });
  const run = (at: number) =>
    runScenario({
      series: bars(rows),
      strategy: scripted({ [at]: buy() }),
      layers: layers({ method: "volatility-target" }),
    });

  it("sizes the notional to 20 % / (0.01 × √8760) = 21.37 % of equity once the volatility is known", () => {
    const result = run(25);
    const expected = (0.2 * 10_000) / (0.01 * Math.sqrt(8760)) / (closes[25] as number);
    expect(result.fills[0]?.quantity).toBeCloseTo(expected, 4);
    expect(verdictOf(result, "sizing:volatility-target")?.reason).toMatch(/annualised 0.9359 = 0.2137 × equity/);
  });

  it("uses the fallback size during the volatility warm-up", () => {
    const result = run(10);
    expect(result.fills[0]?.quantity).toBe(5);
    expect(verdictOf(result, "sizing:volatility-target")?.reason).toMatch(/^volatility target n\/a/);
  });
});

describe("fixed sizing from the config in the engine", () => {
  it("replaces the slot's 4 units by 10 % of equity (10 units at 100)", () => {
    const result = runScenario({
      series: bars(quietBars(22)),
      strategy: scripted({ 19: buy() }),
      layers: layers({ method: "fixed", size: "10%" }),
    });
    expect(entryQuantity(result)).toBe(10);
  });

  it("keeps the slot's own size with method strategy", () => {
    const result = runScenario({
      series: bars(quietBars(22)),
      strategy: scripted({ 19: buy() }),
      layers: layers({ method: "strategy" }),
    });
    expect(entryQuantity(result)).toBe(4);
    expect(result.decisions[0]?.risk[0]?.verdicts.map((v) => v.layer)).toEqual(["sanity"]);
  });
});
