import { createHash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CandleSeries } from "../domain/candles.js";
import { isTimeframe } from "../domain/timeframe.js";

/**
 * A cache of parsed, validated data files, like freqtrade's feather files: decompressing, parsing and validating
 * the 65,699-row BTC 1h CSV.gz costs ~0.2 s of CPU at every run, reading six Float64Arrays back a few ms. An entry
 * holds the validated series and the warnings the run printed, keyed by everything they depend on: the file's
 * absolute path, size, mtime and inode, the load options (policy, range, symbol, date format), and the code that
 * made them (package version and this module's own file, which every build rewrites). A stale or damaged entry
 * is never used: the key changes, or the read fails its checks and the file is parsed again.
 *
 * Where: $AEGIS_CACHE_DIR, else $XDG_CACHE_HOME/aegis, else ~/.cache/aegis; AEGIS_CACHE_DIR=off turns it off.
 * Files smaller than MIN_CACHED_BYTES are read directly (parsing them is as fast as reading an entry).
 */
export const MIN_CACHED_BYTES = 256 * 1024;
/**
 * Entries kept per data file, newest first: a rebuilt Aegis, a rewritten file or another --from/--to each make a
 * new entry, and without a bound the folder would only grow.
 */
export const ENTRIES_PER_FILE = 4;

const MAGIC = "AEGISSER";
const FORMAT = 1;
const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

/** The cache folder, or undefined when caching is off. */
export function seriesCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.AEGIS_CACHE_DIR;
  if (explicit === "off" || explicit === "0" || explicit === "false") return undefined;
  if (explicit) return join(explicit, "series");
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "aegis", "series");
}

export interface CachedLoad {
  readonly series: CandleSeries;
  readonly warnings: readonly string[];
}

/** Identity of the code that parses and validates; a rebuilt or upgraded Aegis never reads older entries. */
function codeIdentity(): string {
  try {
    const self = statSync(fileURLToPath(import.meta.url));
    return `${self.size}:${self.mtimeMs}`;
  } catch {
    return "unknown";
  }
}

/** The entry's path for `file` loaded with `options`, or undefined when the file is too small to be worth it. */
export function seriesCacheEntry(
  dir: string,
  file: string,
  options: Readonly<Record<string, unknown>>,
): string | undefined {
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(file);
  } catch {
    return undefined;
  }
  if (!info.isFile() || info.size < MIN_CACHED_BYTES) return undefined;
  const key = JSON.stringify({
    format: FORMAT,
    code: codeIdentity(),
    path: resolve(file),
    size: info.size,
    mtimeMs: info.mtimeMs,
    ino: info.ino,
    options,
  });
  // Named <file's hash>-<key's hash>, so that the entries of one data file can be found and bounded.
  const digest = (text: string) => createHash("sha256").update(text).digest("hex");
  return join(dir, `${digest(resolve(file)).slice(0, 16)}-${digest(key).slice(0, 32)}.bin`);
}

/** Reads an entry; undefined when absent, truncated or not in this format (the caller parses the file instead). */
export function readSeriesCache(entry: string): CachedLoad | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(entry);
  } catch {
    return undefined;
  }
  if (bytes.length < 16 || bytes.toString("latin1", 0, 8) !== MAGIC) return undefined;
  const headerLength = bytes.readUInt32LE(8);
  const dataStart = align8(12 + headerLength);
  if (dataStart > bytes.length) return undefined;
  let header: { format: number; symbol: string; timeframe: string | null; length: number; warnings: string[] };
  try {
    header = JSON.parse(bytes.toString("utf8", 12, 12 + headerLength));
  } catch {
    return undefined;
  }
  const n = header.length;
  if (header.format !== FORMAT || !Number.isInteger(n) || n < 0) return undefined;
  if (bytes.length !== dataStart + COLUMNS.length * n * 8) return undefined;
  if (header.timeframe !== null && !isTimeframe(header.timeframe)) return undefined;
  // Each column gets a buffer of its own, as a parsed series has: a view into one shared buffer would make every
  // structured clone (to a grid worker) copy all six columns. The copy also aligns the bytes for Float64Array.
  const column = (k: number): Float64Array => {
    const out = new Float64Array(n);
    const start = dataStart + k * n * 8;
    new Uint8Array(out.buffer).set(bytes.subarray(start, start + n * 8));
    return out;
  };
  return {
    series: {
      symbol: header.symbol,
      timeframe: header.timeframe === null ? undefined : header.timeframe,
      time: column(0),
      open: column(1),
      high: column(2),
      low: column(3),
      close: column(4),
      volume: column(5),
      length: n,
    },
    warnings: header.warnings,
  };
}

/**
 * Writes an entry (to a temporary name, then renamed, so a reader never sees half a file). A failure (read-only
 * home, full disk) only costs the next run its speed, so it is swallowed.
 */
export function writeSeriesCache(entry: string, loaded: CachedLoad): void {
  const { series } = loaded;
  const header = Buffer.from(
    JSON.stringify({
      format: FORMAT,
      symbol: series.symbol,
      timeframe: series.timeframe ?? null,
      length: series.length,
      warnings: loaded.warnings,
    }),
    "utf8",
  );
  const prefix = Buffer.alloc(align8(12 + header.length));
  prefix.write(MAGIC, 0, "latin1");
  prefix.writeUInt32LE(header.length, 8);
  header.copy(prefix, 12);
  const temporary = `${entry}.${process.pid}.tmp`;
  try {
    mkdirSync(join(entry, ".."), { recursive: true });
    const fd = openSync(temporary, "w");
    try {
      writeSync(fd, prefix);
      for (const name of COLUMNS) {
        const column = series[name].subarray(0, series.length);
        writeSync(fd, new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, entry);
  } catch {
    rmSync(temporary, { force: true });
    return;
  }
  pruneEntriesOfFile(entry);
}

/** Keeps the newest ENTRIES_PER_FILE entries of the data file `entry` belongs to; a failure is harmless. */
function pruneEntriesOfFile(entry: string): void {
  const dir = dirname(entry);
  const prefix = `${basename(entry).split("-")[0]}-`;
  try {
    const entries = readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name.endsWith(".bin"))
      .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of entries.slice(ENTRIES_PER_FILE)) if (old.path !== entry) rmSync(old.path, { force: true });
  } catch {
    // Another run pruning the same folder, or a read-only one: the next write tries again.
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
