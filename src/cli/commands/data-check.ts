import { loadCsv } from "../../data/csv/load-csv.js";
import { DataError } from "../../data/data-error.js";
import type { DataPolicy } from "../../data/validate.js";
import { UsageError } from "../usage-error.js";

export async function dataCheckCommand(
  file: string,
  options: { timeframe?: string; policy: string; json?: boolean },
  _globals: unknown,
): Promise<void> {
  if (!["reject", "drop", "ffill"].includes(options.policy))
    throw new UsageError(`--policy ${options.policy}: expected reject, drop or ffill`);
  try {
    const { series, report } = await loadCsv(file, {
      policy: options.policy as DataPolicy,
      ...(options.timeframe ? { timeframe: options.timeframe } : {}),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const lines = [
      `${file}: ${report.rows} rows → ${series.length} bars of ${report.symbol}, timeframe ${report.timeframe ?? "unknown"} (${report.timeframeSource})`,
      `range: ${iso(report.firstTime)} → ${iso(report.lastTime)}; calendar ${report.calendar}`,
      `errors ${report.errors}, warnings ${report.warnings}; gaps ${report.gaps.count} (${report.gaps.missingBars} missing bars)` +
        (report.dropped > 0 ? `; dropped ${report.dropped}` : "") +
        (report.filled > 0 ? `; filled ${report.filled}` : ""),
      ...report.issues.slice(0, 30).map((issue) => `  ${issue.severity}: ${issue.message}`),
      ...(report.errors + report.warnings > 30
        ? [
            `  … and ${report.errors + report.warnings - Math.min(30, report.issues.length)} more (--json lists up to 100 per kind)`,
          ]
        : []),
      ...report.notes.map((note) => `note: ${note}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (error) {
    if (error instanceof DataError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

function iso(ms: number | undefined): string {
  return ms === undefined ? "none" : new Date(ms).toISOString();
}
