import { open } from "node:fs/promises";
import { type CsvOptions, loadCsv } from "./csv/load-csv.js";
import { writeCandleCsv } from "./csv/write-csv.js";
import { loadParquet } from "./parquet/load-parquet.js";
import { writeParquet } from "./parquet/write-parquet.js";
import { dataFileError } from "./read-data-file.js";
import type { ValidatedSeries } from "./validate.js";

/** The formats a candle file can have. */
export type CandleFileFormat = "csv" | "parquet";

/** "parquet" for a .parquet name, else "csv" (plain or .gz). */
export function formatFromName(path: string): CandleFileFormat {
  return /\.parquet$/i.test(path) ? "parquet" : "csv";
}

/** The format of an existing file: Parquet when it starts with the magic bytes PAR1, else CSV. */
async function formatFromContent(path: string): Promise<CandleFileFormat> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.toString("latin1") === "PAR1" ? "parquet" : "csv";
  } catch (error) {
    throw dataFileError(path, error);
  } finally {
    await handle?.close();
  }
}

/**
 * Loads OHLCV candles from a CSV, CSV.gz or Parquet file (Parquet recognised by its magic bytes, whatever the
 * name), validated with the same rules and report. CSV-only options (delimiter, dateFormat) are ignored for Parquet.
 */
export async function loadCandles(path: string, options: CsvOptions = {}): Promise<ValidatedSeries> {
  if ((await formatFromContent(path)) === "parquet") {
    const { file: _file, delimiter: _delimiter, dateFormat: _dateFormat, ...rest } = options;
    return loadParquet(path, rest);
  }
  return loadCsv(path, options);
}

/**
 * Converts a candle file between CSV(.gz) and Parquet, either way, by the output's name (.parquet, else CSV;
 * .gz compresses). The input is loaded and validated under `options.policy` (default "reject"), so a bad file is
 * refused, not copied. Values keep their exact bits.
 */
export async function convertCandleFile(
  input: string,
  output: string,
  options: CsvOptions = {},
): Promise<ValidatedSeries> {
  const loaded = await loadCandles(input, options);
  if (formatFromName(output) === "parquet") await writeParquet(loaded.series, output);
  else await writeCandleCsv(loaded.series, output);
  return loaded;
}
