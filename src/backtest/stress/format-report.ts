import type { StressReport } from "./stress-test.js";

/**
 * The stress report as a text table for a terminal: one row per injection (crash time, position, whether the
 * stop closed that position, drawdown with and without the crash, entries inside the window), then the stop
 * evidence and the verdict with its reasons.
 */
export function formatStressReport(report: StressReport): string {
  const s = report.settings;
  const header = ["#", "crash at (UTC)", "position", "stop fired", "max DD", "DD no crash", "entries (lost)", "result"];
  const rows = report.injections.map((i, k) => [
    String(k + 1),
    iso(i.time),
    i.position,
    i.positionStopped ? "yes" : i.stopExits.length > 0 ? "yes (later entry)" : i.position === "long" ? "NO" : "-",
    percent(i.maxDrawdown),
    percent(i.baselineDrawdown),
    `${i.entries} (${i.losingEntries})${i.reentryLoop ? " LOOP" : ""}`,
    i.passed ? "pass" : "FAIL",
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 1 || c === 2 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join("  ");
  const lines = [
    `flash crash −${percent(s.crash)}${s.gap ? " at the open (gap)" : " inside the bar"}, rebound ${percent(s.rebound)} of it over ${s.reboundBars} bars; ` +
      `window ${s.windowBars} bars after the crash bar; threshold ${percent(s.threshold)}; re-entry loop at ${s.loopEntries} losing entries`,
    "",
    line(header),
    ...rows.map(line),
  ];
  const failures = report.injections.flatMap((i, k) => i.reasons.map((r) => `  #${k + 1}: ${r}`));
  if (failures.length > 0) lines.push("", ...failures);
  const stop = report.stop;
  lines.push(
    "",
    `stop-loss  ${stop.exists ? "yes" : "NONE"}` +
      (stop.declared.length > 0 ? `; declared: ${stop.declared.join(", ")}` : "") +
      (stop.observed.length > 0 ? `; seen: ${stop.observed.join(", ")}` : ""),
    `verdict    ${report.passed ? "PASS" : "FAIL"}`,
    ...report.reasons.map((r) => `  - ${r}`),
  );
  return lines.join("\n");
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
