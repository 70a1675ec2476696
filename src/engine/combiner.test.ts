import { describe, expect, it } from "vitest";
import type { Action, Vote } from "../domain/signal.js";
import { DecisionCombiner } from "./combiner.js";

/*
 * Each fix names the number the combiner of commit f388636 gave for the same votes (measured by running that
 * combiner on these inputs); the assertions check the number it gives now.
 */
const vote = (source: string, action: Action, confidence = 1, extra: Partial<Vote> = {}): Vote => ({
  source,
  symbol: "X",
  action,
  confidence,
  reasons: [`${source} says ${action}`],
  ...extra,
});

describe("DecisionCombiner fixes", () => {
  it("holds on a buy/sell split whatever the vote order (before: buy 0.5 or sell 0.5 by order)", () => {
    const c = new DecisionCombiner();
    const ab = c.combine([vote("a", "buy"), vote("b", "sell")]);
    const ba = c.combine([vote("b", "sell"), vote("a", "buy")]);
    expect([ab.action, ba.action]).toEqual(["hold", "hold"]);
    expect(ab.reason).toContain("split vote (buy 1.000 = sell 1.000)");
  });

  it("never opens on an advisor alone (before: buy at 0.9 from the advisor, and buy 0.45 over a primary's hold)", () => {
    const c = new DecisionCombiner();
    expect(c.combine([vote("llm", "buy", 0.9, { role: "advisor" })]).action).toBe("hold");
    const withHold = c.combine([vote("rules", "hold"), vote("llm", "buy", 0.9, { role: "advisor" })]);
    expect(withHold.action).toBe("hold");
    expect(withHold.reason).toContain("no primary source voted for a trade");
  });

  it("lets an advisor scale down but never up", () => {
    const c = new DecisionCombiner();
    const agreeing = c.combine([vote("rules", "buy", 0.6), vote("llm", "buy", 1, { role: "advisor" })]);
    expect(agreeing.confidence).toBeCloseTo(0.6, 12);
    const opposing = c.combine([vote("rules", "buy", 0.6), vote("llm", "sell", 1, { role: "advisor" })]);
    expect(opposing.action).toBe("buy");
    expect(opposing.confidence).toBeCloseTo(0.3, 12);
    const scaled = c.combine([vote("rules", "buy"), vote("learner", "hold", 1, { role: "advisor", scale: 0.4 })]);
    expect(scaled.sizeFactor).toBeCloseTo(0.4, 12);
  });

  it("keeps a close under a veto and reports the veto (before: hold, confidence 0, the exit was blocked)", () => {
    const c = new DecisionCombiner();
    const d = c.combine([vote("rules", "close"), vote("llm", "hold", 1, { role: "advisor", veto: true })]);
    expect(d.action).toBe("close");
    expect(d.veto).toBe("vetoed by llm: llm says hold");
  });

  it("applies the threshold to a single vote (before: buy at 0.4 under a 0.5 threshold)", () => {
    const d = new DecisionCombiner({ threshold: 0.5 }).combine([vote("a", "buy", 0.4)]);
    expect(d.action).toBe("hold");
    expect(d.confidence).toBeCloseTo(0.4, 12);
    expect(d.reason).toBe("confidence 0.400 below the threshold 0.5");
    expect(new DecisionCombiner({ threshold: 0.5 }).combine([vote("a", "buy", 0.5)]).action).toBe("buy");
  });

  it("applies weights to a single vote (before: a weight-0 source bought alone at 1.0)", () => {
    const d = new DecisionCombiner({ weights: { a: 0 } }).combine([vote("a", "buy")]);
    expect(d.action).toBe("hold");
    expect(new DecisionCombiner({ weights: { a: 0.3 } }).combine([vote("a", "buy", 0.8)]).confidence).toBeCloseTo(
      0.8,
      12,
    );
  });

  it("does not count an abstention against confidence (before: rules buy 1.0 + one abstention = 0.5)", () => {
    const d = new DecisionCombiner().combine([
      vote("rules", "buy"),
      vote("llm", "hold", 0, { abstained: "missed its deadline of 200 ms" }),
    ]);
    expect(d.action).toBe("buy");
    expect(d.confidence).toBe(1);
    expect(d.reason).toBe("rules: rules says buy; llm abstained: missed its deadline of 200 ms");
  });
});

describe("DecisionCombiner", () => {
  it("gives a single plain vote through with its own reason, as a strategy's signal always was", () => {
    const d = new DecisionCombiner().combine([vote("sma", "buy", 0.8)]);
    expect(d).toEqual({
      action: "buy",
      confidence: 0.8,
      reason: "sma says buy",
      veto: undefined,
      sizeFactor: 1,
      sources: "sma",
    });
  });

  it("weighs primaries by weight × confidence and attributes the decision to those that voted for it", () => {
    const c = new DecisionCombiner({ weights: { a: 3, b: 1 } });
    const d = c.combine([vote("a", "buy", 1), vote("b", "sell", 1), vote("c", "buy", 0.5)]);
    expect(d.action).toBe("buy");
    expect(d.confidence).toBeCloseTo(3.5 / 5, 12);
    expect(d.sources).toBe("a+c");
  });

  it("rejects a negative weight and a threshold outside [0, 1]", () => {
    expect(() => new DecisionCombiner({ weights: { a: -1 } })).toThrow(
      "combiner: weight of a must be a finite number >= 0, got -1",
    );
    expect(() => new DecisionCombiner({ threshold: 1.5 })).toThrow("combiner: threshold must be in [0, 1], got 1.5");
  });
});
