import { describe, expect, it } from "vitest";
import type { DecisionRecord } from "../engine/decision.js";
import { createRiskRuntime } from "../engine/risk-runtime.js";
import { bars } from "../execution/testing/bars.js";
import { riskConfigSchema } from "../risk/config.js";
import { BUY, CLOSE, flat, scripted } from "../risk/limits/testing/scripted.js";
import type { RiskCheckResult } from "../risk/shield.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { formatRiskEffect, reasonPattern, summarizeRiskEffect } from "./risk-effect.js";
import { runBacktest } from "./run-backtest.js";
import { type RunMeta, summarize } from "./summary.js";

const ALLOW: RiskCheckResult = { layer: "sanity", verdict: "allow", reason: "ok" };

function decision(verdicts: RiskCheckResult[], approved: boolean): DecisionRecord {
  return {
    time: 0,
    symbol: "X/USDT",
    strategy: "s",
    price: 1,
    positionBefore: 0,
    votes: [],
    action: "buy",
    reason: "r",
    risk: [{ order: "o", approved, quantity: approved ? 1 : 0, verdicts: [ALLOW, ...verdicts] }],
    orders: [],
    outcome: approved ? "orders-sent" : "rejected",
  };
}

const lev = (max: string): RiskCheckResult => ({
  layer: "volatility-leverage",
  verdict: "deny",
  reason: `order leverage 3× above the volatility-adjusted max ${max}×`,
});
const cap: RiskCheckResult = {
  layer: "max-position-size",
  verdict: "scale",
  reason: "max 10 %: size × 0.5",
  scale: 0.5,
};

describe("summarizeRiskEffect", () => {
  it("counts resized and denied orders per layer and groups reasons that differ only in their numbers", () => {
    const effect = summarizeRiskEffect(
      [
        decision([lev("1.00")], false),
        decision([lev("1.37")], false),
        decision([cap], true),
        decision([{ layer: "volatility-leverage", verdict: "deny", reason: "no volatility estimate yet" }], false),
      ],
      undefined,
    );
    expect(effect).toMatchObject({ ordersChecked: 4, ordersResized: 1, ordersDenied: 3, decisionsRejected: 3 });
    expect(effect.layers.map((l) => [l.layer, l.resized, l.denied])).toEqual([
      ["volatility-leverage", 0, 3],
      ["max-position-size", 1, 0],
    ]);
    expect(effect.layers[0]?.topReasons).toEqual([
      {
        reason: "order leverage #× above the volatility-adjusted max #×",
        count: 2,
        example: "order leverage 3× above the volatility-adjusted max 1.00×",
      },
      { reason: "no volatility estimate yet", count: 1, example: "no volatility estimate yet" },
    ]);
    expect(formatRiskEffect(effect)[0]).toBe(
      "  volatility-leverage: 3 denied — 2× order leverage 3× above the volatility-adjusted max 1.00×; 1× no volatility estimate yet",
    );
  });

  it("takes times and thousands separators out of a reason's pattern", () => {
    expect(reasonPattern("locked until 2024-03-23T05:00:00.000Z, loss 1,234.5 (-3.2 %)")).toBe(
      "locked until <time>, loss # (# %)",
    );
  });
});

describe("the risk shield's effect in a backtest summary", () => {
  it("reports the kill switch halt with its time and a reason that does not ask for `aegis risk reset`", () => {
    // Long 10 % (the position cap) at 100; one bar falls to 50: equity -5 % within the hour trips the 3 % switch.
    const series = bars([...flat(3), [100, 100, 50, 50], ...flat(4, 50)]);
    const risk = createRiskRuntime(riskConfigSchema.parse({}), { store: new MemoryStateStore(), mode: "backtest" });
    const result = runBacktest({
      feeds: [
        { series, strategy: scripted({ 0: BUY, 5: CLOSE, 6: BUY }), size: { type: "percent-equity", value: 100 } },
      ],
      cash: 10_000,
      fee: 0,
      shield: risk.shield,
    });
    const summary = summarize(result, [series], META);
    const halt = summary.risk.halt;
    expect(halt?.time).toBe(series.time[3]);
    expect(halt?.reason).toMatch(/^kill-switch: kill switch tripped since 2024-01-01T03:00:00.000Z: equity down/);
    expect(halt?.reason).toMatch(/the backtest only reduces positions from here on/);
    expect(halt?.reason).not.toMatch(/aegis risk reset/);
    const killSwitch = summary.risk.layers.find((l) => l.layer === "kill-switch");
    expect(killSwitch?.halted).toBe(1);
    expect(JSON.parse(JSON.stringify(summary)).risk.halt.time).toBe(series.time[3]);
  });
});

const META: RunMeta = {
  strategy: "scripted",
  parameters: {},
  symbols: ["TEST/USDT"],
  timeframe: "1h",
  dataSource: "test",
  dataRange: { from: 0, to: 1 },
  bars: 8,
  cash: 10_000,
  fee: 0,
  slippage: "none",
  size: "100%",
  seed: 1,
  dataHash: "",
  configHash: "",
  sample: { kind: "unspecified" },
};
