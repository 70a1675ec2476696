import { describe, expect, it } from "vitest";
import type { GateResult } from "../backtest/gates/validation-gates.js";
import { gateSummary } from "../research/evolution/register-finalists.js";
import { transitionEvidence, transitionNumbers } from "./transition-numbers.js";

const gates: GateResult[] = [
  { gate: "holdout Sharpe", passed: true, value: 1.2345, threshold: "> 0.5", detail: "" },
  { gate: "holdout max drawdown", passed: false, value: 0.31, threshold: "< 20.00 %", detail: "" },
  { gate: "deflated Sharpe ratio", passed: false, value: null, threshold: ">= 0.95", detail: "" },
];

describe("transitionNumbers: the gates and figures a lifecycle reason carries", () => {
  it("reads the evolver's gate summary (ok/FAIL, value, threshold) as written by gateSummary", () => {
    const parsed = transitionNumbers(`passed the gates: ${gateSummary(gates)}`);
    expect(parsed.gates).toEqual([
      { gate: "holdout Sharpe", passed: true, value: 1.234, threshold: "> 0.5" },
      { gate: "holdout max drawdown", passed: false, value: 0.31, threshold: "< 20.00 %" },
      { gate: "deflated Sharpe ratio", passed: false, value: null, threshold: ">= 0.95" },
    ]);
  });

  it("reads a failed finalist's reasons (gate: value (needs threshold))", () => {
    const parsed = transitionNumbers(
      "failed the gates (blacklisted): holdout trades: 3 (needs >= 30); bootstrap vs buy-and-hold: 0.412 (needs p <= 0.05)",
    );
    expect(parsed.gates).toEqual([
      { gate: "holdout trades", passed: false, value: 3, threshold: ">= 30" },
      { gate: "bootstrap vs buy-and-hold", passed: false, value: 0.412, threshold: "p <= 0.05" },
    ]);
  });

  it("reads the LLM layer's passed gates and the out-of-sample figures of a backtested move", () => {
    expect(transitionNumbers("holdout gates passed: holdout Sharpe 1.23, holdout trades 40").gates).toEqual([
      { gate: "holdout Sharpe", passed: true, value: 1.23, threshold: null },
      { gate: "holdout trades", passed: true, value: 40, threshold: null },
    ]);
    const oos = transitionNumbers(
      "BTC/USDT walk-forward out of sample (rolling, fee 0.001): fitness 0.310, Sharpe 1.20, return 4.00 %, max drawdown 7.00 %, 42 trades; best of 300 trials, DSR 0.970",
    );
    expect(oos.gates).toEqual([]);
    expect(oos.figures).toEqual([
      { name: "fitness", value: 0.31 },
      { name: "Sharpe", value: 1.2 },
      { name: "return", value: 4, unit: "%" },
      { name: "max drawdown", value: 7, unit: "%" },
      { name: "trades", value: 42 },
      { name: "DSR", value: 0.97 },
    ]);
  });

  it("reads the shadow promotion's p-values, and nothing from a person's words", () => {
    const parsed = transitionNumbers(
      "Sharpe 1.40 > live 0.30; vs live sma: p 0.0123 (Diebold–Mariano, lag 3, 40 days 2024-01-01 – 2024-02-10, mean daily difference 0.0100 %, bootstrap p 0.0400)",
    );
    expect(parsed.figures).toContainEqual({ name: "p-value", value: 0.0123 });
    expect(parsed.figures).toContainEqual({ name: "bootstrap p-value", value: 0.04 });
    expect(transitionNumbers("approved after review, looks fine")).toEqual({ gates: [], figures: [] });
  });
});

describe("transitionEvidence: stored numbers first, the reason's text for older rows", () => {
  const stored = { gates: [{ gate: "holdout Sharpe", passed: true, value: 1.5, threshold: "> 0.5" }], figures: [] };
  const oldReason = "passed the gates: ok holdout Sharpe 1.2 (> 0.5)";

  it("uses the stored numbers, as JSON text from the column or as an object, over what the text says", () => {
    expect(transitionEvidence("we liked it", stored)).toEqual(stored);
    expect(transitionEvidence(oldReason, JSON.stringify(stored))).toEqual(stored);
  });

  it("reads the reason when nothing, or nothing readable, was stored", () => {
    const parsed = transitionNumbers(oldReason);
    expect(parsed.gates).toHaveLength(1);
    expect(transitionEvidence(oldReason, null)).toEqual(parsed);
    expect(transitionEvidence(oldReason, undefined)).toEqual(parsed);
    expect(transitionEvidence(oldReason, "{not json")).toEqual(parsed);
    expect(transitionEvidence(oldReason, JSON.stringify({ gates: 3 }))).toEqual(parsed);
  });
});
