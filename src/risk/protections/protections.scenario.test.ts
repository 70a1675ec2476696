import { describe, expect, it } from "vitest";
import { type BacktestFeed, type BacktestResult, runBacktest } from "../../backtest/run-backtest.js";
import { bars } from "../../execution/testing/bars.js";
import { scripted } from "../context/testing.js";
import { RiskShield } from "../shield.js";
import { createProtections, protectionsConfigSchema } from "./config.js";

/**
 * The protections in the engine, on 1h series from 2024-01-01 00:00. Entries carry a 2 % stop-loss; a "drop" bar
 * (low 97 from an open of 100) stops a long entered at 100 out at 98 (-2 %), a "calm" bar does nothing.
 */

const CALM = [100, 100.5, 99.5, 100] as const;
const DROP = [100, 100.5, 97, 100] as const;
const STOP_2PCT = { stopLossPct: 0.02 };

/** Cycles of [decide, enter, drop]: a buy at bar 3k fills at 3k+1 and is stopped out at 3k+2, for `stops` cycles. */
function stopCycles(stops: number, total: number) {
  return bars(Array.from({ length: total }, (_, i) => (i % 3 === 2 && i < 3 * stops ? DROP : CALM)));
}

function run(protections: Record<string, unknown>, feeds: readonly BacktestFeed[]): BacktestResult {
  const config = protectionsConfigSchema.parse(protections);
  return runBacktest({ feeds, cash: 10_000, fee: 0, shield: new RiskShield(createProtections(config)) });
}

/**
 * Each buy decision on `symbol` that proposed an order (a buy while already long proposes none): its hour, whether
 * the shield approved it, and the verdict of `layer`.
 */
function buys(result: BacktestResult, layer: string, symbol = "TEST/USDT") {
  return result.decisions
    .filter((d) => d.action === "buy" && d.symbol === symbol && d.risk.length > 0)
    .map((d) => {
      const verdict = d.risk[0]?.verdicts.find((v) => v.layer === layer);
      return { hour: new Date(d.time).getUTCHours(), approved: d.risk[0]?.approved, reason: verdict?.reason ?? "" };
    });
}

const ONLY = {
  cooldown: { stopLossGuard: { enabled: false }, lowProfit: { enabled: false } },
  guard: { cooldown: { enabled: false }, lowProfit: { enabled: false } },
  lowProfit: { cooldown: { enabled: false }, stopLossGuard: { enabled: false } },
};

describe("cooldown after a stop-loss, in the engine", () => {
  it("denies re-entry on the stop-loss bar and allows it after 60 minutes", () => {
    const series = stopCycles(1, 8);
    const result = run(ONLY.cooldown, [{ series, strategy: scripted({ 0: "buy", 2: "buy", 3: "buy" }, STOP_2PCT) }]);
    expect(result.trades[0]?.exitReason).toBe("stop-loss");
    const decisions = buys(result, "cooldown");
    expect(decisions.map((d) => [d.hour, d.approved])).toEqual([
      [0, true],
      [2, false],
      [3, true],
    ]);
    expect(decisions[1]?.reason).toBe(
      "cooldown: TEST/USDT was stopped out (stop-loss, -2.00 %) at 2024-01-01 02:00; no new position for 1h, until 2024-01-01 03:00",
    );
  });

  it("does not stop re-entry after an exit that was not a stop-loss", () => {
    const series = bars(Array.from({ length: 8 }, () => CALM));
    const result = run(ONLY.cooldown, [{ series, strategy: scripted({ 0: "buy", 1: "close", 2: "buy" }, STOP_2PCT) }]);
    expect(result.trades[0]?.exitReason).toBe("script: close");
    expect(buys(result, "cooldown").map((d) => d.approved)).toEqual([true, true]);
  });
});

describe("stop-loss guard, in the engine", () => {
  const script = { 0: "buy", 3: "buy", 6: "buy", 9: "buy", 12: "buy", 15: "buy" } as const;

  it("pauses new positions for 6 h after the third stop-loss within 24 h", () => {
    const result = run(ONLY.guard, [{ series: stopCycles(3, 20), strategy: scripted(script, STOP_2PCT) }]);
    expect(result.trades.map((t) => t.exitReason).slice(0, 3)).toEqual(["stop-loss", "stop-loss", "stop-loss"]);
    const decisions = buys(result, "stop-loss-guard");
    expect(decisions.map((d) => [d.hour, d.approved])).toEqual([
      [0, true],
      [3, true],
      [6, true],
      [9, false],
      [12, false],
      [15, true],
    ]);
    expect(decisions[3]?.reason).toBe(
      "stop-loss guard: 3 stop-losses across all symbols within 1d (limit 3: TEST/USDT 2024-01-01 02:00, TEST/USDT 2024-01-01 05:00, TEST/USDT 2024-01-01 08:00) → paused for 6h, until 2024-01-01 14:00; no new position on TEST/USDT",
    );
  });

  it("does not pause after two stop-losses, nor when the window holds fewer than three", () => {
    const two = run(ONLY.guard, [{ series: stopCycles(2, 20), strategy: scripted(script, STOP_2PCT) }]);
    expect(buys(two, "stop-loss-guard").map((d) => [d.hour, d.approved])).toEqual([
      [0, true],
      [3, true],
      [6, true],
    ]);
    const narrow = run({ ...ONLY.guard, stopLossGuard: { windowHours: 4 } }, [
      { series: stopCycles(3, 20), strategy: scripted(script, STOP_2PCT) },
    ]);
    const afterThird = buys(narrow, "stop-loss-guard").find((d) => d.hour === 9);
    expect(afterThird).toMatchObject({
      approved: true,
      reason: "1 stop-loss across all symbols in the last 4h, limit 3",
    });
  });

  it("pauses other symbols too when global, only the stopped symbol when per symbol", () => {
    const feeds = (): BacktestFeed[] => [
      { series: stopCycles(3, 20), strategy: scripted({ 0: "buy", 3: "buy", 6: "buy" }, STOP_2PCT) },
      {
        series: bars(
          Array.from({ length: 20 }, () => CALM),
          "OTHER/USDT",
        ),
        strategy: scripted({ 9: "buy" }, STOP_2PCT),
        size: { type: "fixed-base", value: 1 },
      },
    ];
    const global = run(ONLY.guard, feeds());
    expect(buys(global, "stop-loss-guard", "OTHER/USDT")[0]?.approved).toBe(false);
    const perSymbol = run({ ...ONLY.guard, stopLossGuard: { scope: "symbol" } }, feeds());
    expect(buys(perSymbol, "stop-loss-guard", "OTHER/USDT")[0]?.approved).toBe(true);
  });
});

describe("low-profit lock, in the engine", () => {
  const script = { 0: "buy", 3: "buy", 6: "buy", 9: "buy", 21: "buy" } as const;

  it("locks a symbol for 12 h when its last 3 trades sum to less than -5 %", () => {
    const result = run(ONLY.lowProfit, [{ series: stopCycles(3, 24), strategy: scripted(script, STOP_2PCT) }]);
    expect(result.trades.slice(0, 3).map((t) => Number(t.returnPct.toFixed(6)))).toEqual([-0.02, -0.02, -0.02]);
    const decisions = buys(result, "low-profit");
    expect(decisions.map((d) => [d.hour, d.approved])).toEqual([
      [0, true],
      [3, true],
      [6, true],
      [9, false],
      [21, true],
    ]);
    expect(decisions[3]?.reason).toBe(
      "low-profit lock: TEST/USDT's 3 trades closed within 7d sum to -6.00 %, below -5.00 % → locked for 12h, until 2024-01-01 20:00",
    );
  });

  it("does not lock when the losses sum to more than -5 % or there are fewer than 3 trades", () => {
    const smaller = run(ONLY.lowProfit, [
      { series: stopCycles(3, 24), strategy: scripted(script, { stopLossPct: 0.01 }) },
    ]);
    expect(smaller.trades.slice(0, 3).every((t) => t.exitReason === "stop-loss")).toBe(true);
    const afterThird = buys(smaller, "low-profit").find((d) => d.hour === 9);
    expect(afterThird).toMatchObject({
      approved: true,
      reason: "TEST/USDT: 3 trades closed in the last 7d sum to -3.00 % (lock below -5.00 % with ≥ 3 trades)",
    });
    const fewer = run(ONLY.lowProfit, [{ series: stopCycles(2, 24), strategy: scripted(script, STOP_2PCT) }]);
    expect(buys(fewer, "low-profit").map((d) => [d.hour, d.approved])).toEqual([
      [0, true],
      [3, true],
      [6, true],
    ]);
  });
});
