/**
 * The candle store: downloaded OHLCV history in one SQLite file (WAL mode), keyed by exchange, symbol, timeframe and
 * bar open time. Writes are upserts in one transaction per call, so a crash loses at most the call in progress;
 * reads come back as a columnar `CandleSeries` filled straight from SQLite rows without per-bar objects.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type Candle, type CandleSeries, emptySeries } from "../../domain/candles.js";
import { isTimeframe, type Timeframe, timeframeMs } from "../../domain/timeframe.js";

/** One bar as CCXT returns it: `[openTime (Unix ms), open, high, low, close, volume]`. */
export type OhlcvRow = readonly [time: number, open: number, high: number, low: number, close: number, volume: number];

/** Bars `upsert` accepts: CCXT-style rows, plain candles, or a columnar series. Ascending order is not required. */
export type CandleRows = readonly OhlcvRow[] | readonly Candle[] | CandleSeries;

/** One stored series: which bars the store holds for (exchange, symbol, timeframe). Times are bar open, Unix ms. */
export interface StoredSeries {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/** Bounds for `load` and `count`, both inclusive, on bar open time (Unix ms). */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

/** Schema changes, applied in order; each runs once per file, recorded in candle_store_schema. */
const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `CREATE TABLE candles (
      exchange TEXT NOT NULL,
      symbol TEXT NOT NULL,
      timeframe TEXT NOT NULL,
      time INTEGER NOT NULL,
      open REAL NOT NULL,
      high REAL NOT NULL,
      low REAL NOT NULL,
      close REAL NOT NULL,
      volume REAL NOT NULL,
      PRIMARY KEY (exchange, symbol, timeframe, time)
    ) WITHOUT ROWID, STRICT`,
  },
];

/** The schema version this code writes; a file with a higher one was written by a newer Aegis. */
export const CANDLE_STORE_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

type SeriesKey = [exchange: string, symbol: string, timeframe: string];
type RangeKey = [exchange: string, symbol: string, timeframe: string, from: number, to: number];
type Raw = [number, number, number, number, number, number];

/** OHLCV history in SQLite. One instance per file; synchronous, so keep calls out of hot async loops' way. */
export class CandleStore {
  /** The SQLite file this store reads and writes. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly upsertStatement: Database.Statement<
    [string, string, string, number, number, number, number, number, number]
  >;
  private readonly lastStatement: Database.Statement<SeriesKey, number | null>;
  private readonly firstStatement: Database.Statement<SeriesKey, number | null>;
  private readonly countStatement: Database.Statement<RangeKey, number>;
  private readonly loadStatement: Database.Statement<RangeKey, Raw>;
  private readonly listStatement: Database.Statement<[], StoredSeries>;

  /** Opens (creating when absent, with its folder) the store at `path` and brings its schema up to date. */
  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    try {
      const mode = this.db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") throw new Error(`candle store ${path}: SQLite refused WAL mode (journal_mode is ${mode})`);
      // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      migrate(this.db, path);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.upsertStatement = this.db.prepare(
      `INSERT INTO candles (exchange, symbol, timeframe, time, open, high, low, close, volume)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (exchange, symbol, timeframe, time) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
    );
    const key = "exchange = ? AND symbol = ? AND timeframe = ?";
    this.lastStatement = this.db
      .prepare<SeriesKey, number | null>(`SELECT MAX(time) FROM candles WHERE ${key}`)
      .pluck();
    this.firstStatement = this.db
      .prepare<SeriesKey, number | null>(`SELECT MIN(time) FROM candles WHERE ${key}`)
      .pluck();
    const range = `${key} AND time >= ? AND time <= ?`;
    this.countStatement = this.db.prepare<RangeKey, number>(`SELECT COUNT(*) FROM candles WHERE ${range}`).pluck();
    this.loadStatement = this.db
      .prepare<RangeKey, Raw>(`SELECT time, open, high, low, close, volume FROM candles WHERE ${range} ORDER BY time`)
      .raw();
    this.listStatement = this.db.prepare<[], StoredSeries>(
      `SELECT exchange, symbol, timeframe, MIN(time) AS first, MAX(time) AS last, COUNT(*) AS count
       FROM candles GROUP BY exchange, symbol, timeframe ORDER BY exchange, symbol, timeframe`,
    );
  }

  /**
   * Writes `rows` for (exchange, symbol, timeframe) in one transaction, replacing bars with the same open time.
   * All or nothing: a bar with a non-finite value or a non-integer time aborts the call, naming the bar, and
   * nothing of it is written. Returns the number of rows written.
   */
  upsert(exchange: string, symbol: string, timeframe: Timeframe | string, rows: CandleRows): number {
    timeframeMs(timeframe); // throws on an unknown timeframe
    const statement = this.upsertStatement;
    const write = this.db.transaction((): number => {
      const n = rowCount(rows);
      const bar: number[] = [0, 0, 0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        readRow(rows, i, bar);
        const [time, open, high, low, close, volume] = bar as [number, number, number, number, number, number];
        if (!Number.isSafeInteger(time) || !allFinite(bar)) {
          throw new RangeError(
            `candle store: ${exchange} ${symbol} ${timeframe} row ${i} (time ${time}) is not storable: ` +
              `[${bar.join(", ")}] (time must be an integer, prices and volume finite)`,
          );
        }
        statement.run(exchange, symbol, timeframe, time, open, high, low, close, volume);
      }
      return n;
    });
    return write.immediate();
  }

  /** Open time of the newest stored bar, or `undefined` when none is stored. */
  lastTime(exchange: string, symbol: string, timeframe: Timeframe | string): number | undefined {
    return this.lastStatement.get(exchange, symbol, timeframe) ?? undefined;
  }

  /** Open time of the oldest stored bar, or `undefined` when none is stored. */
  firstTime(exchange: string, symbol: string, timeframe: Timeframe | string): number | undefined {
    return this.firstStatement.get(exchange, symbol, timeframe) ?? undefined;
  }

  /** Number of stored bars, optionally only those with open time in [from, to]. */
  count(exchange: string, symbol: string, timeframe: Timeframe | string, range: TimeRange = {}): number {
    return this.countStatement.get(exchange, symbol, timeframe, ...bounds(range)) ?? 0;
  }

  /**
   * The stored bars with open time in [from, to] (both optional, inclusive), ascending, as a `CandleSeries`
   * (length 0 when none). Count and rows are read in one transaction, so a concurrent writer cannot skew them.
   */
  load(exchange: string, symbol: string, timeframe: Timeframe | string, range: TimeRange = {}): CandleSeries {
    const [from, to] = bounds(range);
    const read = this.db.transaction((): CandleSeries => {
      const n = this.countStatement.get(exchange, symbol, timeframe, from, to) ?? 0;
      const series = emptySeries(symbol, isTimeframe(timeframe) ? timeframe : undefined, n);
      const { time, open, high, low, close, volume } = series;
      let i = 0;
      for (const row of this.loadStatement.iterate(exchange, symbol, timeframe, from, to)) {
        time[i] = row[0];
        open[i] = row[1];
        high[i] = row[2];
        low[i] = row[3];
        close[i] = row[4];
        volume[i] = row[5];
        i++;
      }
      return series;
    });
    return read();
  }

  /** Every stored series with its first and last bar time and bar count, sorted by exchange, symbol, timeframe. */
  list(): StoredSeries[] {
    return this.listStatement.all();
  }

  /** The schema version of the open file. */
  schemaVersion(): number {
    return readSchemaVersion(this.db);
  }

  /** Closes the file; the instance is unusable afterwards. */
  close(): void {
    this.db.close();
  }
}

function migrate(db: Database.Database, path: string): void {
  db.exec("CREATE TABLE IF NOT EXISTS candle_store_schema (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const apply = db.transaction(() => {
    const current = readSchemaVersion(db);
    if (current > CANDLE_STORE_SCHEMA_VERSION) {
      throw new Error(
        `candle store ${path} has schema version ${current}, newer than this Aegis understands ` +
          `(${CANDLE_STORE_SCHEMA_VERSION}); upgrade Aegis or use another data folder`,
      );
    }
    const record = db.prepare("INSERT INTO candle_store_schema (version, applied_at) VALUES (?, ?)");
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, Date.now());
    }
  });
  // IMMEDIATE so two processes opening a fresh file at once cannot both run the same migration.
  apply.immediate();
}

function readSchemaVersion(db: Database.Database): number {
  const version = db.prepare("SELECT MAX(version) FROM candle_store_schema").pluck().get() as number | null;
  return version ?? 0;
}

function bounds(range: TimeRange): [number, number] {
  return [range.from ?? Number.MIN_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER];
}

function rowCount(rows: CandleRows): number {
  return Array.isArray(rows) ? rows.length : (rows as CandleSeries).length;
}

/** Copies bar `i` of `rows` into `out` as [time, open, high, low, close, volume]. */
function readRow(rows: CandleRows, i: number, out: number[]): void {
  if (!Array.isArray(rows)) {
    const series = rows as CandleSeries;
    out[0] = series.time[i]!;
    out[1] = series.open[i]!;
    out[2] = series.high[i]!;
    out[3] = series.low[i]!;
    out[4] = series.close[i]!;
    out[5] = series.volume[i]!;
    return;
  }
  const row = rows[i] as OhlcvRow | Candle;
  if (Array.isArray(row)) {
    for (let k = 0; k < 6; k++) out[k] = row[k] as number;
    return;
  }
  const candle = row as Candle;
  out[0] = candle.time;
  out[1] = candle.open;
  out[2] = candle.high;
  out[3] = candle.low;
  out[4] = candle.close;
  out[5] = candle.volume;
}

function allFinite(values: readonly number[]): boolean {
  for (const value of values) if (!Number.isFinite(value)) return false;
  return true;
}
