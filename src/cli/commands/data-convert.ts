import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { convertCandleFile, formatFromName } from "../../data/load-candles.js";
import { UsageError } from "../usage-error.js";
import { type DataFileCliOptions, dataFileOptions, withReadableFile } from "./data-check.js";

/**
 * `aegis data convert IN OUT`: CSV(.gz) ↔ Parquet, by OUT's name. The input is validated under --policy first, so
 * a bad file is refused rather than copied; the output path is checked before any work.
 */
export async function dataConvertCommand(
  input: string,
  output: string,
  options: DataFileCliOptions,
  _globals: unknown,
): Promise<void> {
  const loadOptions = dataFileOptions(options);
  if (resolve(input) === resolve(output)) throw new UsageError(`${output}: the output would overwrite the input`);
  const parent = dirname(resolve(output));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new UsageError(`${output}: the folder ${parent} does not exist`);
  }
  if (existsSync(output) && statSync(output).isDirectory()) throw new UsageError(`${output}: is a directory`);
  const { series, report } = await withReadableFile(() => convertCandleFile(input, output, loadOptions));
  const notes = [
    report.warnings > 0 ? `${report.warnings} warning(s); aegis data check ${input} lists them` : "",
    report.dropped > 0 ? `dropped ${report.dropped} bad row(s)` : "",
    report.filled > 0 ? `filled ${report.filled} missing bar(s)` : "",
  ].filter((note) => note !== "");
  process.stderr.write(
    `wrote ${series.length} bars of ${series.symbol} (${series.timeframe ?? "timeframe unknown"}) to ${output} as ${formatFromName(output) === "parquet" ? "Parquet" : "CSV"}` +
      (notes.length > 0 ? `; ${notes.join("; ")}` : "") +
      "\n",
  );
}
