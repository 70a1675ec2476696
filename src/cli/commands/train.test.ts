import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { hourlyCandles, xgboostPresent } from "../../ai/ml/testing.js";
import { writeCandleCsv } from "../../data/csv/write-csv.js";
import { UsageError } from "../usage-error.js";
import { mlStrategyOption, type TrainMlCliOptions, trainMlCommand } from "./train.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-train-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function options(overrides: Partial<TrainMlCliOptions>): TrainMlCliOptions {
  return {
    horizon: "4",
    label: "forward",
    barrier: "0.02",
    testDays: "20",
    trainDays: "40",
    seed: "42",
    out: join(dir, "out"),
    progress: false,
    json: true,
    ...overrides,
  };
}

describe.skipIf(!xgboostPresent())("aegis train ml", () => {
  it("trains walk-forward folds and a final model from a candle file and prints a JSON summary", async () => {
    const file = join(dir, "bars.csv");
    await writeCandleCsv(hourlyCandles(2000), file);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await trainMlCommand(options({ data: file, from: "2024-01-05", out: join(dir, "models") }));
    const summary = JSON.parse(String(out.mock.calls.at(-1)?.[0]));
    expect(summary.bars).toBe(2000 - 4 * 24);
    expect(summary.folds).toBeGreaterThan(0);
    expect(existsSync(join(dir, "models", "final.model.json"))).toBe(true);
    expect(existsSync(join(dir, "models", "metrics.json"))).toBe(true);
    expect(mlStrategyOption(`ml:${join(dir, "models", "final.model.json")}`).name).toContain("final.model.json");
  });

  it("turns bad input into a UsageError that names it", async () => {
    await expect(trainMlCommand(options({}))).rejects.toThrow(/--data <file> is required/);
    await expect(trainMlCommand(options({ data: join(dir, "absent.csv") }))).rejects.toThrow(UsageError);
    const file = join(dir, "bars.csv");
    await expect(trainMlCommand(options({ data: file, horizon: "0" }))).rejects.toThrow(
      /--horizon 0: must be a whole number > 0/,
    );
    await expect(trainMlCommand(options({ data: file, label: "median" }))).rejects.toThrow(
      /expected forward or triple-barrier/,
    );
    expect(() => mlStrategyOption("ml:absent.model.json")).toThrow(UsageError);
  });
});
