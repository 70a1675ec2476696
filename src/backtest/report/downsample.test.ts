import { describe, expect, it } from "vitest";
import { downsampleMinMax, pick } from "./downsample.js";
import { underwater } from "./underwater.js";

describe("downsampleMinMax", () => {
  it("keeps every index when the series is already short enough", () => {
    expect([...downsampleMinMax([Float64Array.from([3, 1, 2])], 10)]).toEqual([0, 1, 2]);
  });

  it("keeps a one-sample crash and spike that every-nth thinning would drop", () => {
    const n = 100_000;
    const values = new Float64Array(n).fill(100);
    values[31_337] = 40; // crash
    values[77_777] = 180; // spike
    const indices = downsampleMinMax([values], 5_000);
    expect(indices.length).toBeLessThanOrEqual(5_000);
    const kept = pick(values, indices);
    expect(Math.min(...kept)).toBe(40);
    expect(Math.max(...kept)).toBe(180);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(n - 1);
    for (let i = 1; i < indices.length; i++) expect(indices[i]!).toBeGreaterThan(indices[i - 1]!);
  });

  it("keeps the extremes of every column with at most maxPoints indices in total", () => {
    const n = 50_000;
    const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 100));
    const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i / 37));
    b[12_345] = -10;
    const indices = downsampleMinMax([a, b], 4_000);
    expect(indices.length).toBeLessThanOrEqual(4_000);
    expect([...indices]).toContain(12_345);
  });

  it("rejects columns of different lengths and a too-small budget", () => {
    expect(() => downsampleMinMax([new Float64Array(3), new Float64Array(4)], 100)).toThrow(/column 1 has 4/);
    expect(() => downsampleMinMax([new Float64Array(3)], 3)).toThrow(/maxPoints/);
  });
});

describe("underwater", () => {
  it("is value / running peak - 1", () => {
    const dd = underwater(Float64Array.from([100, 120, 90, 130, 65]));
    expect([...dd]).toEqual([0, 0, 90 / 120 - 1, 0, -0.5]);
  });
});
