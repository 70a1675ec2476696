import type { CandleSeries } from "../../domain/candles.js";
import { dataFileError } from "../read-data-file.js";
import { sqlString, withDuckDb } from "./duckdb.js";

/**
 * Writes a series as Parquet with the columns timestamp (BIGINT, Unix ms, the bar's open time), open, high, low,
 * close, volume (DOUBLE), one row group per 122,880 rows as DuckDB writes them. Doubles are stored as they are, so
 * `loadParquet` gives back the same bits.
 */
export async function writeParquet(series: CandleSeries, path: string): Promise<void> {
  await withDuckDb(async (connection) => {
    await connection.run(
      "CREATE TABLE candles (timestamp BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)",
    );
    const { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBVector } = await import("@duckdb/node-api");
    const appender = await connection.createAppender("candles");
    // Whole chunks of typed values: one native call per column and chunk instead of one per cell (~10x faster).
    const size = DuckDBVector.standardSize();
    const chunk = DuckDBDataChunk.create([BIGINT, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE], size);
    const columns = [series.open, series.high, series.low, series.close, series.volume];
    for (let start = 0; start < series.length; start += size) {
      const rows = Math.min(size, series.length - start);
      chunk.reset();
      chunk.rowCount = rows;
      const time = chunk.getColumnVector(0);
      for (let r = 0; r < rows; r++) time.setItem(r, BigInt(series.time[start + r] as number));
      time.flush();
      columns.forEach((column, k) => {
        const vector = chunk.getColumnVector(k + 1);
        for (let r = 0; r < rows; r++) vector.setItem(r, column[start + r] as number);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    try {
      await connection.run(`COPY candles TO ${sqlString(path)} (FORMAT parquet)`);
    } catch (error) {
      const message = (error as Error).message ?? "";
      const code = /No such file or directory/i.test(message)
        ? "ENOENT"
        : /Permission denied/i.test(message)
          ? "EACCES"
          : /Is a directory/i.test(message)
            ? "EISDIR"
            : undefined;
      throw code === undefined ? error : dataFileError(path, { code });
    }
  });
}
