import { describe, expect, it } from "vitest";
import { formatMetrics, formatMetricValue } from "./format-metrics.js";
import { METRIC_DEFINITIONS } from "./metric-definitions.js";
import { computeMetrics } from "./metrics.js";

describe("formatMetricValue", () => {
  it("prints percent and ratios with 2 decimals, money with separators and null as n/a", () => {
    expect(formatMetricValue(0.123456, "percent")).toBe("12.35%");
    expect(formatMetricValue(-0.5, "percent")).toBe("-50.00%");
    expect(formatMetricValue(1.23456, "ratio")).toBe("1.23");
    expect(formatMetricValue(1234567.891, "money")).toBe("1,234,567.89");
    expect(formatMetricValue(42, "count")).toBe("42");
    expect(formatMetricValue(8760, "number")).toBe("8760");
    expect(formatMetricValue(7.456, "number")).toBe("7.46");
    expect(formatMetricValue(null, "ratio")).toBe("n/a");
  });

  it("prints timestamps as UTC minutes and durations in days and hours", () => {
    expect(formatMetricValue(Date.UTC(2022, 10, 21, 21), "timestamp")).toBe("2022-11-21 21:00 UTC");
    expect(formatMetricValue((3 * 24 + 5) * 3_600_000, "duration")).toBe("3d 5h");
    expect(formatMetricValue(23.9 * 3_600_000, "duration")).toBe("1d 0h");
    expect(formatMetricValue(5 * 3_600_000, "duration")).toBe("5h");
    expect(formatMetricValue(15 * 60_000, "duration")).toBe("15m");
  });
});

describe("formatMetrics", () => {
  const metrics = computeMetrics({
    equity: { time: Float64Array.from([0, 1, 2].map((d) => d * 86_400_000)), equity: Float64Array.from([100, 90, 99]) },
    trades: [],
    initialCash: 100,
  });
  const text = formatMetrics(metrics);
  const [table, notes] = text.split("\n\nNotes:\n");

  it("prints one aligned row per metric in definition order", () => {
    const rows = table!.split("\n");
    expect(rows).toHaveLength(METRIC_DEFINITIONS.length);
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
    rows.forEach((row, i) => {
      expect(row.startsWith(METRIC_DEFINITIONS[i]!.label)).toBe(true);
    });
    expect(rows.find((row) => row.startsWith("Max drawdown "))).toMatch(/10\.00%$/);
    expect(rows.find((row) => row.startsWith("Sharpe ratio"))).toMatch(/ n\/a$/);
  });

  it("lists the notes explaining each n/a", () => {
    expect(notes!.split("\n")).toEqual(metrics.notes.map((note) => `- ${note}`));
  });
});
