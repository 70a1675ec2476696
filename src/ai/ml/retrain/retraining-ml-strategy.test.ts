import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../../backtest/run-backtest.js";
import { DEFAULT_ENSEMBLE_PARAMETERS, type EnsembleParameters } from "../ensemble-model.js";
import { hourlyCandles, xgboostPresent } from "../testing.js";
import { trainWalkForward } from "../train-walk-forward.js";
import { readAcceptedState } from "./model-versions.js";
import { inlineRunner } from "./retrain-job.js";
import { createRetrainingMlStrategy, loadRetrainingMlStrategy, parseSpan } from "./retraining-ml-strategy.js";

const HOUR = 3_600_000;
const SMALL: EnsembleParameters = {
  ...DEFAULT_ENSEMBLE_PARAMETERS,
  boosting: { ...DEFAULT_ENSEMBLE_PARAMETERS.boosting, rounds: 15 },
  forest: { ...DEFAULT_ENSEMBLE_PARAMETERS.forest, trees: 8 },
};
const root = mkdtempSync(join(tmpdir(), "aegis-ml-retrain-strategy-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("parseSpan", () => {
  it("reads 7d, 12h, 90m, 2w and refuses anything else with the option's name", () => {
    expect(parseSpan("retrain", "7d")).toBe(7 * 24 * HOUR);
    expect(parseSpan("retrain", "12h")).toBe(12 * HOUR);
    expect(parseSpan("retrain", "90m")).toBe(90 * 60_000);
    expect(parseSpan("window", "2w")).toBe(14 * 24 * HOUR);
    expect(() => parseSpan("retrain", "7 days")).toThrow(/retrain=7 days is not a duration/);
    expect(() => parseSpan("window", "0d")).toThrow(/window=0d/);
  });
});

describe.skipIf(!xgboostPresent())("retraining ML strategy", () => {
  const candles = hourlyCandles(2400, 5);
  const initial = trainWalkForward({
    candles,
    label: { kind: "forward-return", horizon: 4, threshold: 0 },
    testSize: 300,
    minTrainSize: 600,
    parameters: SMALL,
    outDir: join(root, "initial"),
    trainFinal: true,
    now: () => new Date("2024-03-01T00:00:00Z"),
  }).finalModelFile as string;

  it("starts a retrain at the bar whose close is the scheduled moment, on that slot's closed bars", async () => {
    const dir = join(root, "session");
    const strategy = createRetrainingMlStrategy({
      model: initial,
      everyMs: 1000 * HOUR,
      windowMs: 900 * HOUR,
      holdoutBars: 150,
      dir,
      runner: inlineRunner,
    });
    runBacktest({ feeds: [{ series: candles, strategy }], cash: 10_000, fee: 0.001 });
    await strategy.retrainer().idle();
    const events = readFileSync(join(dir, "events.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const firstClose = (candles.time[0] as number) + HOUR;
    // One start only: a synchronous backtest gives the job no turn to finish, and a due retrain waits while one
    // runs (at most one job at a time); a trading session awaits between steps, so its jobs finish and swap.
    expect(events.filter((e) => e.kind === "retrain-started").map((e) => e.at)).toEqual([firstClose + 1000 * HOUR]);
    // The first retrain saw exactly the bars closed by then: its last bar opened one hour before the moment.
    expect(events[0].lastBar).toBe(firstClose + 1000 * HOUR - HOUR);
    const state = readAcceptedState(dir);
    expect(state.history.length).toBeGreaterThanOrEqual(1);
    expect(state.history[0]?.trainRange?.to).toBeLessThan(firstClose + 1000 * HOUR);
    strategy.retrainer().dispose();
  });

  it("refuses a retrain reference without a window, or with a bad holdout, in plain words", () => {
    expect(() => loadRetrainingMlStrategy(`ml:${initial}?retrain=7d`)).toThrow(/needs window=/);
    expect(() => loadRetrainingMlStrategy(`ml:${initial}?retrain=7d&window=90d&holdout=3`)).toThrow(/holdout=3/);
    expect(() => loadRetrainingMlStrategy(`ml:${initial}?retrain=soon&window=90d`)).toThrow(/retrain=soon/);
  });
});
