import { describe, expect, it } from "vitest";
import { formatMetrics } from "./format-metrics.js";
import { computeMetrics } from "./metrics.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** What a bar with OHLC = 1e308 did to an equity curve: one sample explodes and falls back. */
function explodedCurve(): { time: Float64Array; equity: Float64Array } {
  const n = 60;
  const time = Float64Array.from({ length: n }, (_, i) => T0 + i * HOUR);
  const equity = Float64Array.from({ length: n }, (_, i) => 1000 + (i % 3) - (i % 2));
  equity[30] = 1e305;
  return { time, equity };
}

describe("metrics that are not finite or beyond any meaningful magnitude", () => {
  it("are n/a with a note instead of NaN or 5.5e303", () => {
    const metrics = computeMetrics({ equity: explodedCurve(), trades: [], initialCash: 1000 });
    expect(metrics.sharpe).toBeNull();
    expect(metrics.sortino).toBeNull();
    expect(metrics.annualizedVolatility).toBeNull();
    const notes = metrics.notes.join("\n");
    expect(notes).toMatch(/Sharpe ratio: n\/a, the computed value is NaN, not a number/);
    expect(notes).toMatch(/Sortino ratio: n\/a, the computed value \d\.\d\de\+\d+ is beyond any meaningful magnitude/);
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value === "number") expect(Number.isFinite(value), key).toBe(true);
    }
  });

  it("print as n/a in the console table and as null in JSON", () => {
    const metrics = computeMetrics({ equity: explodedCurve(), trades: [], initialCash: 1000 });
    const table = formatMetrics(metrics);
    expect(table).toMatch(/Sharpe ratio\s+n\/a/);
    expect(table).toMatch(/Sortino ratio\s+n\/a/);
    const rows = table.split("\nNotes:")[0];
    expect(rows).not.toMatch(/NaN|Infinity|e\+\d/);
    const json = JSON.parse(JSON.stringify(metrics)) as Record<string, unknown>;
    expect(json.sortino).toBeNull();
  });
});
