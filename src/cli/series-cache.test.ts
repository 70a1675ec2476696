import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadDataFiles } from "./load-data-files.js";
import {
  ENTRIES_PER_FILE,
  MIN_CACHED_BYTES,
  readSeriesCache,
  seriesCacheDir,
  seriesCacheEntry,
} from "./series-cache.js";

const HOUR = 3_600_000;

/** An hourly CSV of `rows` bars (one bar missing, so that the load warns of a gap), large enough to be cached. */
function csv(rows: number): string {
  const lines = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < rows; i++) {
    if (i === 10) continue;
    const price = 30_000 + 50 * Math.sin(i / 7) + i * 0.013;
    lines.push(
      `${Date.UTC(2022, 0, 1) + i * HOUR},${price},${price + 12.5},${price - 11.25},${price + 0.75},${i % 97}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("the parsed-data cache of --data files", () => {
  let dir: string;
  let cache: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-series-cache-"));
    cache = join(dir, "cache");
    file = join(dir, "btc_1h.csv");
    writeFileSync(file, csv(6000));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = async (cacheDir: string | undefined, from?: number) => {
    const warnings: string[] = [];
    const [series] = await loadDataFiles({ files: [file], symbols: [], policy: "reject", cacheDir, from }, warnings);
    return { series, warnings };
  };

  it("returns from an entry the same series and warnings as parsing the file", async () => {
    const parsed = await load(undefined);
    expect(parsed.warnings.join("\n")).toContain("1 gap(s)");
    const first = await load(cache);
    expect(readdirSync(join(cache))).toHaveLength(1);
    const second = await load(cache);
    for (const result of [first, second]) {
      expect(result.warnings).toEqual(parsed.warnings);
      expect(result.series).toEqual(parsed.series);
    }
    // Each column owns its buffer, as a parsed one does (a structured clone then copies one column, not six).
    expect(second.series?.close.buffer.byteLength).toBe((second.series?.length ?? 0) * 8);
  });

  it("keys an entry by the load options and by the file's size and mtime", async () => {
    await load(cache);
    await load(cache, Date.UTC(2022, 1, 1));
    expect(readdirSync(cache)).toHaveLength(2);
    const key = { policy: "reject" };
    const before = seriesCacheEntry(cache, file, key);
    utimesSync(file, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(seriesCacheEntry(cache, file, key)).not.toBe(before);
    writeFileSync(file, csv(6001));
    const grown = await load(cache);
    expect(grown.series?.length).toBe(6000);
  });

  it("keeps at most ENTRIES_PER_FILE entries of one data file, never the one just written, nor other files'", async () => {
    const other = join(dir, "eth_1h.csv");
    writeFileSync(other, csv(6000));
    await loadDataFiles({ files: [other], symbols: [], policy: "reject", cacheDir: cache }, []);
    const prefixOf = (path: string) => `${basename(seriesCacheEntry(cache, path, {}) ?? "").split("-")[0]}-`;
    const last = Date.UTC(2022, 0, 2 + ENTRIES_PER_FILE + 2);
    for (let day = 2; day <= 2 + ENTRIES_PER_FILE + 2; day++) await load(cache, Date.UTC(2022, 0, day));
    const names = readdirSync(cache);
    expect(names.filter((n) => n.startsWith(prefixOf(file)))).toHaveLength(ENTRIES_PER_FILE);
    expect(names.filter((n) => n.startsWith(prefixOf(other)))).toHaveLength(1);
    // The key load-data-files uses for the last range: its entry is there and reads back.
    const lastEntry = seriesCacheEntry(cache, file, { file, policy: "reject", from: last });
    expect(names.map((n) => join(cache, n))).toContain(lastEntry);
    expect(readSeriesCache(lastEntry ?? "")?.series.length).toBeGreaterThan(0);
  });

  it("parses the file again when an entry is damaged", async () => {
    await load(cache);
    const [name] = readdirSync(cache);
    const entry = join(cache, name as string);
    writeFileSync(entry, "AEGISSER but cut short");
    expect(readSeriesCache(entry)).toBeUndefined();
    const again = await load(cache);
    expect(again.series).toEqual((await load(undefined)).series);
    expect(readSeriesCache(entry)?.series.length).toBe(5999);
  });

  it("leaves small files uncached", async () => {
    writeFileSync(file, csv(100));
    expect(MIN_CACHED_BYTES).toBeGreaterThan(csv(100).length);
    await load(cache);
    expect(() => readdirSync(cache)).toThrow();
  });

  it("lives in AEGIS_CACHE_DIR, else the XDG cache folder, and is off with AEGIS_CACHE_DIR=off", () => {
    expect(seriesCacheDir({ AEGIS_CACHE_DIR: "/x" })).toBe(join("/x", "series"));
    expect(seriesCacheDir({ XDG_CACHE_HOME: "/c" })).toBe(join("/c", "aegis", "series"));
    expect(seriesCacheDir({ AEGIS_CACHE_DIR: "off" })).toBeUndefined();
  });
});
