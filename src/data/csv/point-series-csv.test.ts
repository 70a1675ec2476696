import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataError } from "../data-error.js";
import { DataFileError } from "../read-data-file.js";
import { loadPointSeriesCsv, parsePointSeriesCsv } from "./point-series-csv.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 2, 5, 14);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aegis-point-series-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parsePointSeriesCsv", () => {
  it("gives each value the instant it was known: its stamp, or one period later for period-start data", () => {
    const text = `timestamp,close\n${T0},100\n${T0 + H},99\n${T0 + 2 * H},98\n`;
    const published = parsePointSeriesCsv(text, "spy.csv");
    expect(Array.from(published.known)).toEqual([T0, T0 + H, T0 + 2 * H]);
    expect(published.periodMs).toBe(H);
    const closes = parsePointSeriesCsv(text, "spy.csv", { timestamps: "period-start" });
    expect(Array.from(closes.known)).toEqual([T0 + H, T0 + 2 * H, T0 + 3 * H]);
    expect(Array.from(closes.values)).toEqual([100, 99, 98]);
    expect(closes.name).toBe("spy");
  });

  it("reads ; separated quoted files and picks the first of several column names, with extra time names", () => {
    const text = `"fundingTime";"symbol";"fundingRate"\n${T0};"BTCUSDT";"0.0001"\n${T0 + 8 * H};"BTCUSDT";"-0.00002"\n`;
    const series = parsePointSeriesCsv(text, "f.csv", {
      column: ["funding_rate", "fundingrate"],
      timeColumns: ["fundingtime"],
    });
    expect(Array.from(series.values)).toEqual([0.0001, -0.00002]);
    expect(series.periodMs).toBe(8 * H);
  });

  it("refuses unsorted rows naming file and line, and needs a period to shift one-row period-start data", () => {
    const error = (() => {
      try {
        parsePointSeriesCsv(`timestamp,value\n${T0 + H},1\n${T0},2\n`, "data/fg.csv");
      } catch (caught) {
        return caught as DataError;
      }
      throw new Error("expected a DataError");
    })();
    expect(error.message).toContain("data/fg.csv line 3: timestamp 2024-03-05 14:00 is before the previous row's");
    expect(() => parsePointSeriesCsv(`timestamp,value\n${T0},1\n`, "one.csv", { timestamps: "period-start" })).toThrow(
      /cannot infer the period/,
    );
    expect(parsePointSeriesCsv(`timestamp,value\n${T0},1\n`, "one.csv").periodMs).toBeUndefined();
  });
});

describe("loadPointSeriesCsv", () => {
  it("loads gzip files and says plainly when a file is missing", async () => {
    const path = join(dir, "packed.csv.gz");
    await writeFile(path, gzipSync(`timestamp,value\n${T0},7\n${T0 + H},8\n`));
    expect(Array.from((await loadPointSeriesCsv(path)).values)).toEqual([7, 8]);
    await expect(loadPointSeriesCsv(join(dir, "absent.csv"))).rejects.toThrow(
      new DataFileError(`${join(dir, "absent.csv")}: no such file`, "ENOENT"),
    );
  });
});
