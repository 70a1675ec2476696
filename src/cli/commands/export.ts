import { writeFileSync } from "node:fs";
import { loadConfig } from "../../config/load-config.js";
import {
  EXPORT_TABLES,
  type ExportFormat,
  type ExportTable,
  exportRecords,
  formatRecords,
} from "../../store/export-rows.js";
import { defaultStorePath, openStore, parseStoreLocation } from "../../store/open-store.js";
import { isoMinute } from "../format-time.js";
import { timeOption } from "../parse-options.js";
import { UsageError } from "../usage-error.js";

export interface ExportOptions {
  format?: string;
  from?: string;
  to?: string;
  store?: string;
  out?: string;
}

/** `aegis export trades|decisions|orders|equity`: rows of the trading store as CSV or JSON. */
export async function exportCommand(
  table: string,
  options: ExportOptions,
  globals: { config?: string },
): Promise<void> {
  if (!(EXPORT_TABLES as readonly string[]).includes(table)) {
    throw new UsageError(`cannot export "${table}": choose one of ${EXPORT_TABLES.join(", ")}`);
  }
  const format = (options.format ?? "csv").toLowerCase();
  if (format !== "csv" && format !== "json") throw new UsageError(`--format ${options.format}: use csv or json`);
  const from = timeOption("from", options.from);
  const to = timeOption("to", options.to);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError("--from is after --to");

  const location = options.store ?? storeFromConfig(globals);
  try {
    parseStoreLocation(location);
  } catch (error) {
    throw new UsageError(`--store: ${(error as Error).message}`);
  }
  const store = await openStore(location, { mustExist: true }).catch((error: Error) => {
    throw new UsageError(`${error.message} (give --store PATH or URL of the store the runtime writes)`);
  });
  try {
    const records = await exportRecords(store, table as ExportTable, {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    if (records.length === 0) {
      const window = from !== undefined || to !== undefined ? ` between ${when(from)} and ${when(to)}` : "";
      throw new UsageError(`no ${table} in the store ${store.location}${window}: nothing to export`);
    }
    const text = formatRecords(table as ExportTable, records, format as ExportFormat);
    if (options.out) {
      writeFileSync(options.out, text);
      process.stderr.write(`${records.length} row(s) of ${table} written to ${options.out}\n`);
    } else process.stdout.write(text);
  } finally {
    await store.close();
  }
}

function storeFromConfig(globals: { config?: string }): string {
  const { config } = loadConfig({ file: globals.config });
  return config.store.url ?? `sqlite:${defaultStorePath(config.dataDir)}`;
}

function when(ms: number | undefined): string {
  return ms === undefined ? "the end" : isoMinute(ms);
}
