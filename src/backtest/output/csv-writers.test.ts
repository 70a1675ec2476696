import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withChunkedWriter } from "./chunked-writer.js";
import { equityCsv, num, writeEquityCsvTo } from "./csv-writers.js";

describe("num", () => {
  it("prints exactly what String(Number(x.toPrecision(12))) prints, for any double", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(num(x)).toBe(Number.isFinite(x) ? String(Number(x.toPrecision(12))) : "");
      }),
      { numRuns: 20_000, seed: 12 },
    );
    for (const x of [0, -0, 1, -1, 100, 3803.5600000000004, 1e21, 1.5e-7, -2.5e-9, 123456789012.4, 0.1 + 0.2]) {
      expect(num(x), String(x)).toBe(String(Number(x.toPrecision(12))));
    }
  });
});

describe("equityCsv", () => {
  it("writes a header and one line per sample, in blocks that join to the whole file", () => {
    const n = 10_000;
    const time = Float64Array.from({ length: n }, (_, i) => 1_704_067_200_000 + i * 3_600_000);
    const equity = Float64Array.from({ length: n }, (_, i) => 10_000 + i / 3);
    const csv = equityCsv({ time, equity });
    const lines = csv.split("\n");
    expect(lines[0]).toBe("timestamp,equity");
    expect(lines).toHaveLength(n + 2);
    expect(lines[n]).toBe(`${time[n - 1]},${Number((equity[n - 1] as number).toPrecision(12))}`);
    expect(lines[n + 1]).toBe("");
  });

  it("formats flat stretches, NaN and -0 as each value alone would be (the text of a repeated value is reused)", () => {
    const values = [10_000, 10_000, 10_000.5, 10_000.5, Number.NaN, Number.NaN, 0, -0, -0, 0, 3803.5600000000004, 7];
    const time = Float64Array.from(values, (_, i) => i);
    const lines = equityCsv({ time, equity: Float64Array.from(values) }).split("\n");
    expect(lines.slice(1, -1)).toEqual(values.map((v, i) => `${i},${num(v)}`));
  });

  it("writes the same bytes straight into a file writer (writeEquityCsvTo) as the text it builds", () => {
    const n = 200_000; // ~6 MB: crosses the writer's 4 MB buffer
    const special = [Number.NaN, -0, 0, 3803.5600000000004, -12.25, 1e-7];
    const time = Float64Array.from({ length: n }, (_, i) =>
      i === 5 ? -1 : i === 6 ? 0.5 : 1_704_067_200_000 + i * 60_000,
    );
    const equity = Float64Array.from({ length: n }, (_, i) =>
      i < special.length ? (special[i] as number) : 10_000 + Math.floor(i / 3) / 7,
    );
    const dir = mkdtempSync(join(tmpdir(), "aegis-equity-csv-"));
    try {
      const file = join(dir, "equity.csv");
      withChunkedWriter(file, (writer) => writeEquityCsvTo({ time, equity }, writer));
      expect(readFileSync(file, "utf8")).toBe(equityCsv({ time, equity }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
