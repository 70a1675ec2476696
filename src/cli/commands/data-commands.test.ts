import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadCandles } from "../../data/load-candles.js";
import { sharedDataDir, sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { loadDataFiles } from "../load-data-files.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { UsageError } from "../usage-error.js";
import { dataCheckCommand } from "./data-check.js";
import { dataConvertCommand } from "./data-convert.js";

const btc = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
const aapl = `${sharedDataDir}equities/lean_AAPL_1d_unadjusted.csv.gz`;
const HOUR = 3_600_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aegis-data-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs the real `aegis` entry point in a fresh process, in the test's temporary folder. */
function aegis(args: string[]) {
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What a command writes to standard output. */
async function stdoutOf(run: () => Promise<void>): Promise<string> {
  let text = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  await run();
  return text;
}

describe("aegis data check", () => {
  it("says plainly that a file is missing or is a directory, with exit 2 and no raw Node error", () => {
    const missing = aegis(["data", "check", "/nonexistent.csv"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("aegis: /nonexistent.csv: no such file\n");
    const folder = aegis(["data", "check", dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`aegis: ${dir}: is a directory, not a file\n`);
    expect(missing.stderr + folder.stderr).not.toMatch(/ENOENT|EISDIR|errno|at async/);
  });

  it("refuses a bad --date-format or --calendar before reading anything", async () => {
    await expect(dataCheckCommand("x.csv", { policy: "reject", dateFormat: "DD/QQ/YYYY" }, {})).rejects.toThrow(
      new UsageError(
        '--date-format: date format "DD/QQ/YYYY": "Q" is not a token (use YYYY, MM, DD, HH, mm, ss, SSS; e.g. DD/MM/YYYY HH:mm)',
      ),
    );
    await expect(dataCheckCommand("x.csv", { policy: "reject", calendar: "lse" }, {})).rejects.toThrow(
      "--calendar lse: expected one of 24/7, weekdays, nyse",
    );
  });

  it("reads a day-first, semicolon-separated file with --date-format and prints the largest gap", async () => {
    const rows = ["Date;Open;High;Low;Close;Volume"];
    for (const hour of [0, 1, 2, 6, 7, 8, 10, 11]) {
      rows.push(`02/01/2024 ${String(hour).padStart(2, "0")}:00;"1,5";2;1;"1,5";10`);
    }
    const path = join(dir, "day-first.csv");
    await writeFile(path, `${rows.join("\n")}\n`);
    const text = await stdoutOf(() =>
      dataCheckCommand(path, { policy: "reject", timeframe: "1h", dateFormat: "DD/MM/YYYY HH:mm" }, {}),
    );
    expect(text).toContain("range: 2024-01-02T00:00:00.000Z → 2024-01-02T11:00:00.000Z");
    expect(text).toContain("gaps 2 (4 missing bars)");
    expect(text).toContain("largest gap: 3 missing bars (3h without data) after 2024-01-02T02:00:00.000Z");
  });
});

describe("aegis data convert", () => {
  it("converts CSV to Parquet and back, refusing to overwrite the input or write into a missing folder", async () => {
    const csv = join(dir, "small.csv");
    const rows = Array.from(
      { length: 30 },
      (_, i) => `${Date.UTC(2024, 0, 1) + i * HOUR},${100 + i},${101 + i},${99 + i},${100.5 + i},${i + 1}`,
    );
    await writeFile(csv, `timestamp,open,high,low,close,volume\n${rows.join("\n")}\n`);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await dataConvertCommand(csv, join(dir, "small.parquet"), { policy: "reject" }, {});
    await dataConvertCommand(join(dir, "small.parquet"), join(dir, "back.csv"), { policy: "reject" }, {});
    const original = await loadCandles(csv);
    const back = await loadCandles(join(dir, "back.csv"));
    expect(Array.from(back.series.close)).toEqual(Array.from(original.series.close));
    expect(Array.from(back.series.time)).toEqual(Array.from(original.series.time));
    await expect(dataConvertCommand(csv, csv, { policy: "reject" }, {})).rejects.toThrow(
      "the output would overwrite the input",
    );
    await expect(dataConvertCommand(csv, join(dir, "no/such/x.parquet"), { policy: "reject" }, {})).rejects.toThrow(
      `the folder ${join(dir, "no/such")} does not exist`,
    );
    await expect(
      dataConvertCommand(join(dir, "none.csv"), join(dir, "x.parquet"), { policy: "reject" }, {}),
    ).rejects.toThrow(new UsageError(`${join(dir, "none.csv")}: no such file`));
  });
});

describe.skipIf(!sharedDataPresent(btc) || !sharedDataPresent(aapl))(
  `backtest data warnings on real data (needs ${sharedDataDir})`,
  () => {
    it("names the unadjusted AAPL splits that data check reports", async () => {
      const warnings: string[] = [];
      await loadDataFiles({ files: [aapl], symbols: [], policy: "reject" }, warnings);
      expect(warnings[0]).toBe(
        `${aapl}: 5 price spike(s) in the traded range, 4 shaped like a stock split: is the data split-adjusted? (aegis data check ${aapl})`,
      );
      expect(warnings[4]).toContain("2014-06-09 (line 4135) close 93.7 is a -85.5 % move");
      expect(warnings[4]).toContain("7:1 split");
    });

    it("counts gaps in the traded range only: none in 2022, one in 2023, 22 over the whole BTC file", async () => {
      const gapsIn = async (from?: number, to?: number) => {
        const warnings: string[] = [];
        await loadDataFiles({ files: [btc], symbols: [], policy: "reject", from, to }, warnings);
        return warnings.filter((warning) => warning.includes("gap(s)"));
      };
      expect(await gapsIn(Date.UTC(2022, 0, 1), Date.UTC(2022, 11, 31, 23))).toEqual([]);
      expect(await gapsIn(Date.UTC(2023, 0, 1), Date.UTC(2023, 11, 31, 23))).toEqual([
        `${btc}: 1 gap(s), 1 missing bar(s) in the traded range (calendar 24/7); trading continues across them`,
      ]);
      expect((await gapsIn())[0]).toContain(": 22 gap(s), 61 missing bar(s) in the traded range");
    });
  },
);
