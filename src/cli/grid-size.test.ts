import { describe, expect, it } from "vitest";
import { checkGridSize, formatDuration, GRID_CONFIRM_ABOVE } from "./grid-size.js";

describe("checkGridSize", () => {
  it("prints only the count of a small grid and never times a run for it", () => {
    let timed = 0;
    const line = checkGridSize({ combinations: 20, workers: 2, yes: false, timeOne: () => ++timed });
    expect(line).toBe("grid: 20 combination(s)");
    expect(timed).toBe(0);
  });

  it("estimates a large grid from one timed run shared across the workers", () => {
    const line = checkGridSize({ combinations: 5_000, workers: 2, yes: false, timeOne: () => 48 });
    expect(line).toBe(
      "grid: 5,000 combinations; up to about 2 min on 2 worker(s) (a first run took 48 ms; later runs are usually faster)",
    );
  });

  it("asks for --yes above the threshold, with the count and the estimate", () => {
    const huge = { combinations: 499_500, workers: 2, timeOne: () => 30 };
    expect(() => checkGridSize({ ...huge, yes: false })).toThrowError(
      /grid: 499,500 combinations; up to about 2 h 5 min on 2 worker\(s\).*start only with --yes/,
    );
    expect(checkGridSize({ ...huge, yes: true })).toMatch(/^grid: 499,500 combinations/);
    expect(() => checkGridSize({ ...huge, combinations: GRID_CONFIRM_ABOVE, yes: false })).not.toThrow();
  });

  it("formats durations a person reads at a glance", () => {
    expect(formatDuration(400)).toBe("1 s");
    expect(formatDuration(90_000)).toBe("2 min");
    expect(formatDuration(3 * 86_400_000)).toBe("3 days");
  });
});
