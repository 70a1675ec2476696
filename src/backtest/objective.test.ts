import { describe, expect, it } from "vitest";
import type { Metrics } from "./metrics/index.js";
import { pickBest, resolveObjective } from "./objective.js";

const m = (values: Partial<Record<"sharpe" | "totalReturn" | "maxDrawdown", number | null>>): Metrics =>
  ({ sharpe: null, totalReturn: null, maxDrawdown: null, notes: [], ...values }) as unknown as Metrics;

const sharpe = resolveObjective();

describe("pickBest", () => {
  it("picks the highest objective", () => {
    expect(pickBest([m({ sharpe: 0.5 }), m({ sharpe: 1.5 }), m({ sharpe: 1 })], sharpe)).toBe(1);
  });

  it("ranks a defined objective above n/a, and n/a candidates by the fallback", () => {
    expect(pickBest([m({ sharpe: null, totalReturn: 9 }), m({ sharpe: -3, totalReturn: -0.5 })], sharpe)).toBe(1);
    expect(pickBest([m({ totalReturn: 0.1 }), m({ totalReturn: 0.3 }), null], sharpe)).toBe(1);
  });

  it("breaks a tie on the objective by the fallback, then by the earliest candidate", () => {
    expect(pickBest([m({ sharpe: 1, totalReturn: 0.1 }), m({ sharpe: 1, totalReturn: 0.2 })], sharpe)).toBe(1);
    expect(pickBest([m({ sharpe: 1, totalReturn: 0.2 }), m({ sharpe: 1, totalReturn: 0.2 })], sharpe)).toBe(0);
  });

  it("minimizes drawdown-like metrics", () => {
    const drawdown = resolveObjective("maxDrawdown");
    expect(pickBest([m({ maxDrawdown: 0.3 }), m({ maxDrawdown: 0.1 }), m({ maxDrawdown: 0.2 })], drawdown)).toBe(1);
  });

  it("skips failed candidates and returns -1 when all failed", () => {
    expect(pickBest([null, m({ sharpe: -1 })], sharpe)).toBe(1);
    expect(pickBest([null, null], sharpe)).toBe(-1);
  });
});

describe("resolveObjective", () => {
  it("defaults to sharpe with total return as fallback", () => {
    expect(resolveObjective()).toEqual({ key: "sharpe", fallback: "totalReturn" });
  });

  it("rejects an unknown metric naming it", () => {
    expect(() => resolveObjective("sharp")).toThrow(/objective: unknown metric "sharp"/);
    expect(() => resolveObjective("sharpe", "gain")).toThrow(/fallbackObjective: unknown metric "gain"/);
  });
});
