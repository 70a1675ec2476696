import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CandleSeries } from "../../../domain/candles.js";
import { DEFAULT_ENSEMBLE_PARAMETERS, type EnsembleParameters } from "../ensemble-model.js";
import { loadModel } from "../model-file.js";
import { hourlyCandles, xgboostPresent } from "../testing.js";
import { trainWalkForward } from "../train-walk-forward.js";
import { MlRetrainer, type RetrainEvent } from "./ml-retrainer.js";
import { readAcceptedState, versionFolder } from "./model-versions.js";
import { inlineRunner, runRetrainJob } from "./retrain-job.js";
import { retrainModel } from "./retrain-model.js";
import { workerRunner } from "./worker-runner.js";

const HOUR = 3_600_000;
const SMALL: EnsembleParameters = {
  ...DEFAULT_ENSEMBLE_PARAMETERS,
  boosting: { ...DEFAULT_ENSEMBLE_PARAMETERS.boosting, rounds: 15 },
  forest: { ...DEFAULT_ENSEMBLE_PARAMETERS.forest, trees: 8 },
};
const LABEL = { kind: "forward-return", horizon: 4, threshold: 0 } as const;
const root = mkdtempSync(join(tmpdir(), "aegis-ml-retrain-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function slice(candles: CandleSeries, length: number): CandleSeries {
  const cut = (values: Float64Array) => values.slice(0, length);
  return {
    ...candles,
    time: cut(candles.time),
    open: cut(candles.open),
    high: cut(candles.high),
    low: cut(candles.low),
    close: cut(candles.close),
    volume: cut(candles.volume),
    length,
  };
}

describe.skipIf(!xgboostPresent())("MlRetrainer", () => {
  const candles = hourlyCandles(3000, 11);
  const initial = trainWalkForward({
    candles: slice(candles, 1200),
    label: LABEL,
    testSize: 300,
    minTrainSize: 600,
    parameters: SMALL,
    outDir: join(root, "initial"),
    now: () => new Date("2024-03-01T00:00:00Z"),
  }).finalModelFile as string;
  const start = candles.time[1500] as number;
  const schedule = { everyMs: 500 * HOUR, windowMs: 1500 * HOUR, holdoutBars: 200, minTrainRows: 300 };

  function retrainer(dir: string, tolerance: number, events: RetrainEvent[] = []): MlRetrainer {
    return new MlRetrainer({
      dir,
      initialModel: initial,
      schedule: { ...schedule, tolerance },
      // The provider holds bars past the retrain moment too: the retrain must cut them itself.
      bars: () => candles,
      runner: inlineRunner,
      onEvent: (event) => events.push(event),
    });
  }

  it("retrains at the scheduled time, on bars closed before it only", async () => {
    const events: RetrainEvent[] = [];
    const r = retrainer(join(root, "schedule"), 10, events);
    expect(r.step(start)).toEqual([]);
    expect(r.step(start + 499 * HOUR)).toEqual([]);
    const due = start + 500 * HOUR;
    expect(r.step(due).map((e) => e.kind)).toEqual(["retrain-started"]);
    await r.idle();
    r.step(due + HOUR);
    const record = readAcceptedState(join(root, "schedule")).history[0];
    expect(record?.at).toBe(new Date(due).toISOString());
    expect(record?.trainRange?.to).toBeLessThan(record?.validationRange?.from as number);
    expect((record?.validationRange?.to as number) + LABEL.horizon * HOUR).toBeLessThan(due);
    const version = JSON.parse(readFileSync(join(versionFolder(join(root, "schedule"), 1), "version.json"), "utf8"));
    expect(version.lastBarUsed + HOUR).toBeLessThanOrEqual(due);
    expect(version.lastBarUsed + 2 * HOUR).toBeGreaterThan(due);
    r.dispose();
  });

  it("gives the same model whatever the bars after the retrain moment are (no look-ahead)", () => {
    const now = start + 500 * HOUR;
    const changed = {
      ...candles,
      close: Float64Array.from(candles.close, (c, i) => ((candles.time[i] as number) + HOUR > now ? c * 3 : c)),
    };
    const input = {
      features: loadModel(initial).metadata.features,
      label: LABEL,
      parameters: SMALL,
      now,
      windowMs: schedule.windowMs,
      holdoutBars: 200,
      minTrainRows: 300,
    };
    const a = retrainModel({ ...input, candles });
    const b = retrainModel({ ...input, candles: changed });
    expect(b.candidate.logLoss).toBe(a.candidate.logLoss);
    expect(b.trainRange).toEqual(a.trainRange);
    a.model.dispose();
    b.model.dispose();
  });

  it("records the accepted version with its metadata and predicts with it after the swap, at a step boundary", async () => {
    const dir = join(root, "accept");
    const events: RetrainEvent[] = [];
    const r = retrainer(dir, 10, events);
    const loaded = r.loaded;
    const before = loaded.model;
    r.step(start);
    r.step(start + 500 * HOUR);
    await r.idle();
    expect(loaded.model).toBe(before); // finished, but not swapped until the next step
    const swapped = r.step(start + 501 * HOUR);
    expect(swapped.map((e) => e.kind)).toEqual(["model-swapped"]);
    expect(r.version).toBe(1);
    expect(readAcceptedState(dir).current).toBe(1);
    const file = join(versionFolder(dir, 1), "model.model.json");
    const saved = loadModel(file);
    expect(saved.metadata.features).toEqual(loaded.metadata.features);
    expect(saved.metadata.dataRange.to).toBeLessThan(start + 500 * HOUR);
    expect(saved.metadata.metrics.outOfSample?.rows).toBeGreaterThan(0);
    const row = {
      data: new Float32Array(saved.metadata.features.length).fill(0.5),
      rows: 1,
      columns: saved.metadata.features.length,
    };
    expect(loaded.model.predict(row).ensemble[0]).toBe(saved.model.predict(row).ensemble[0]);
    saved.model.dispose();
    r.dispose();
  });

  it("rejects a candidate worse than the current model and keeps the current one", async () => {
    const dir = join(root, "reject");
    const r = retrainer(dir, -10); // a bar no candidate can pass: log-loss ≤ current − 10
    const before = r.loaded.model;
    r.step(start);
    r.step(start + 500 * HOUR);
    await r.idle();
    const events = r.step(start + 501 * HOUR);
    expect(events.map((e) => e.kind)).toEqual(["retrain-rejected"]);
    const record = readAcceptedState(dir).history[0];
    expect(record?.accepted).toBe(false);
    expect(record?.candidateLogLoss as number).toBeGreaterThan((record?.currentLogLoss as number) - 10);
    expect(r.version).toBe(0);
    expect(r.loaded.model).toBe(before);
    expect(existsSync(versionFolder(dir, record?.version as number))).toBe(false);
    r.dispose();
  });

  it("after a restart loads the latest accepted version, ignores a half-written one and keeps the schedule", async () => {
    const dir = join(root, "restart");
    const first = retrainer(dir, 10);
    first.step(start);
    first.step(start + 500 * HOUR);
    await first.idle();
    first.step(start + 501 * HOUR);
    first.dispose();
    // A crash in the middle of writing version 2: a temp folder with a partial model file.
    mkdirSync(join(dir, ".tmp-v2-999"), { recursive: true });
    writeFileSync(join(dir, ".tmp-v2-999", "model.model.json"), "{ half");
    const restarted = retrainer(dir, 10);
    expect(restarted.version).toBe(1);
    expect(restarted.loaded.path).toBe(join(versionFolder(dir, 1), "model.model.json"));
    expect(existsSync(join(dir, ".tmp-v2-999"))).toBe(false);
    expect(restarted.step(start + 502 * HOUR)).toEqual([]); // next retrain is due 500 h after the last one
    expect(restarted.step(start + 1000 * HOUR).map((e) => e.kind)).toEqual(["retrain-started"]);
    await restarted.idle();
    restarted.dispose();
  });

  it("runs a job in a worker thread with the same result as on the calling thread", async () => {
    const job = {
      initialModel: initial,
      currentModel: initial,
      candles,
      now: start + 500 * HOUR,
      windowMs: schedule.windowMs,
      holdoutBars: 200,
      minTrainRows: 300,
      tolerance: 10,
    };
    const inline = runRetrainJob({ ...job, dir: join(root, "inline") });
    const threaded = await workerRunner({ ...job, dir: join(root, "worker") });
    expect(threaded.record.candidateLogLoss).toBe(inline.record.candidateLogLoss);
    expect(threaded.record.trainRange).toEqual(inline.record.trainRange);
    expect(existsSync(threaded.modelFile as string)).toBe(true);
  }, 60_000);
});
