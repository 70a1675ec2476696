import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { loadFundingRates, parseFundingRates } from "./load-funding.js";

const H8 = 8 * 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "aegis-funding-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseFundingRates", () => {
  it("reads the shared file's format: timestamp,funding_rate in epoch ms", () => {
    const rates = parseFundingRates("timestamp,funding_rate\n1568102400000,0.00010000\n1568131200000,-0.00030000\n");
    expect(Array.from(rates.time)).toEqual([1568102400000, 1568131200000]);
    expect(rates.intervalMs).toBe(H8);
    expect(rates.rateAt(1568131200000)).toBe(-0.0003);
    expect(rates.rateAt(1568131200000 + H8)).toBe(0);
  });

  it("finds the columns by name (Binance's archive) and reads ISO times, or takes time,rate without a header", () => {
    const archive = parseFundingRates(
      "fundingTime,fundingIntervalHours,fundingRate\n2025-01-01 00:00:00,8,0.0001\n2025-01-01 08:00:00,8,0.00012\n",
    );
    expect(archive.rateAt(Date.UTC(2025, 0, 1, 8))).toBe(0.00012);
    const bare = parseFundingRates("1609200000000,0.0003\n1609228800000,0.0002\n");
    expect(bare.rateAt(1609228800000)).toBe(0.0002);
  });

  it("refuses a file without a rate column, a bad row or times out of order, naming file and line", () => {
    expect(() => parseFundingRates("timestamp,open,close\n1,2,3\n", "x.csv")).toThrow(
      /funding file x.csv: the header "timestamp,open,close" needs a time column .* and a rate column/,
    );
    expect(() => parseFundingRates("timestamp,rate\n1609200000000,abc\n", "x.csv")).toThrow(
      'funding file x.csv, line 2: rate "abc" is not a fraction per funding (e.g. 0.0001)',
    );
    expect(() => parseFundingRates("timestamp,rate\n1609228800000,0.1\n1609200000000,0.1\n", "x.csv")).toThrow(
      /line 3: time 2020-12-29T00:00:00.000Z is not after the row before it/,
    );
    expect(() => parseFundingRates("timestamp,rate\n", "x.csv")).toThrow("funding file x.csv: no rows");
  });
});

describe("loadFundingRates", () => {
  it("reads plain and gzip files alike", async () => {
    const text = "timestamp,funding_rate\n1609200000000,0.0003\n1609228800000,0.0002\n";
    writeFileSync(join(dir, "plain.csv"), text);
    writeFileSync(join(dir, "packed.csv.gz"), gzipSync(text));
    const [plain, packed] = await Promise.all([
      loadFundingRates(join(dir, "plain.csv")),
      loadFundingRates(join(dir, "packed.csv.gz")),
    ]);
    expect(Array.from(packed.rate)).toEqual(Array.from(plain.rate));
  });

  it("says plainly when the file is missing or a directory", async () => {
    await expect(loadFundingRates(join(dir, "none.csv"))).rejects.toThrow(/none.csv: no such file$/);
    await expect(loadFundingRates(dir)).rejects.toThrow(/: is a directory$/);
  });
});
