import { formatGrouped } from "../../domain/format-grouped.js";
import { METRIC_DEFINITIONS, type MetricKind, type Metrics } from "./metric-definitions.js";

const HOUR_MS = 3_600_000;

/**
 * Prints one metric value the way the terminal table shows it: percent and ratios with 2 decimals, money with
 * thousands separators, timestamps as UTC minutes, durations in days and hours, "n/a" for null.
 */
export function formatMetricValue(value: number | null, kind: MetricKind): string {
  if (value === null) return "n/a";
  switch (kind) {
    case "percent":
      return `${(value * 100).toFixed(2)}%`;
    case "ratio":
      return value.toFixed(2);
    case "money":
      return formatGrouped(value, 2);
    case "count":
      return formatGrouped(value, 0);
    case "number":
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
    case "duration":
      return formatDuration(value);
    case "timestamp":
      return `${new Date(value).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  }
}

function formatDuration(ms: number): string {
  if (ms < HOUR_MS) return `${Math.round(ms / 60_000)}m`;
  const totalHours = Math.round(ms / HOUR_MS);
  const days = Math.floor(totalHours / 24);
  const hours = totalHours % 24;
  return days === 0 ? `${hours}h` : `${days}d ${hours}h`;
}

/**
 * Renders metrics as an aligned two-column text table for the terminal (labels left, values right-aligned),
 * in the order of METRIC_DEFINITIONS, followed by the notes that explain each "n/a".
 */
export function formatMetrics(metrics: Metrics): string {
  const rows = METRIC_DEFINITIONS.map((definition) => ({
    label: definition.label,
    value: formatMetricValue(metrics[definition.key], definition.kind),
  }));
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  const lines = rows.map((row) => `${row.label.padEnd(labelWidth)}  ${row.value.padStart(valueWidth)}`);
  if (metrics.notes.length > 0) {
    lines.push("", "Notes:");
    for (const note of metrics.notes) lines.push(`- ${note}`);
  }
  return lines.join("\n");
}
