import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FeatureName } from "../../ai/features/feature-names.js";
import { DEFAULT_ENSEMBLE_PARAMETERS } from "../../ai/ml/ensemble-model.js";
import { readAcceptedState, versionFolder } from "../../ai/ml/retrain/model-versions.js";
import { hourlyCandles, xgboostPresent } from "../../ai/ml/testing.js";
import { trainWalkForward } from "../../ai/ml/train-walk-forward.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { UsageError } from "../usage-error.js";
import { loadMlSupport, tradeSources } from "./trade-sources.js";
import { mlStrategyOption } from "./train.js";

const MINUTE = 60_000;
const dir = mkdtempSync(join(tmpdir(), "aegis-trade-retrain-"));
const running = new Set<ChildProcess>();
afterAll(() => {
  // A run still going when a test failed or timed out is ended here, never left behind.
  for (const child of running) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Features with short bar-count warm-ups only (the hour-based ones would need 1,440 one-minute bars): the session
 * trades 1m bars so that a retrain falls due within seconds of wall time at --speed 600.
 */
const FEATURES: FeatureName[] = [
  "price_vs_ema20",
  "rsi",
  "rsi_change",
  "macd_hist",
  "momentum_5",
  "momentum_20",
  "atr_ratio",
  "bb_position",
];

/** A small ensemble (15 boosting rounds, 8 trees) on 1,200 seeded one-minute bars: well under a second. */
let trained: string | undefined;
function trainInitialModel(): string {
  trained ??= train();
  return trained;
}

function train(): string {
  const candles = hourlyCandles(1200, 5, "BTC/USDT");
  const result = trainWalkForward({
    candles: { ...candles, time: candles.time.map((_, i) => Date.UTC(2023, 11, 1) + i * MINUTE) },
    features: FEATURES,
    label: { kind: "forward-return", horizon: 4, threshold: 0 },
    testSize: 300,
    minTrainSize: 600,
    parameters: {
      ...DEFAULT_ENSEMBLE_PARAMETERS,
      boosting: { ...DEFAULT_ENSEMBLE_PARAMETERS.boosting, rounds: 15 },
      forest: { ...DEFAULT_ENSEMBLE_PARAMETERS.forest, trees: 8 },
    },
    outDir: join(dir, "model"),
    trainFinal: true,
    now: () => new Date("2024-01-01T00:00:00Z"),
  });
  return result.finalModelFile as string;
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Runs the real `aegis` entry point; `killOn`: SIGKILLed as soon as its stderr matches (a crash, not a stop). */
function runAegis(args: string[], killOn?: RegExp): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
      env: { ...process.env, AEGIS_CONFIG: undefined },
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (killOn?.test(stderr)) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) => {
      running.delete(child);
      done({ code, signal, stderr, stdout });
    });
  });
}

describe.skipIf(!xgboostPresent())("aegis trade with a trading.retrain block", () => {
  it("retrains in a worker, swaps the accepted version in at a step, and resumes with it after a SIGKILL", async () => {
    const model = trainInitialModel();
    const versions = join(dir, "versions");
    const config = join(dir, "aegis.yaml");
    // Retrain every 3 market minutes on the last 8 hours; tolerance 10 accepts any finite candidate, so the run
    // is sure to swap (the rule itself is tested in retrain-model's tests).
    writeFileSync(
      config,
      [
        `dataDir: ${dir}`,
        "trading:",
        "  retrain:",
        "    every: 3m",
        "    window: 8h",
        "    holdout: 50",
        "    tolerance: 10",
        `    dir: ${versions}`,
        "",
      ].join("\n"),
    );
    const trade = ["--config", config, "trade", "--store", `sqlite:${join(dir, "aegis.sqlite")}`, "--no-api"];
    const session = [...trade, "--speed", "600", "--warmup", "600", "--no-status", "--symbols", "BTC/USDT"];
    const first = await runAegis(
      [...session, "--strategy", `ml:${model}`],
      /model v\d+ in use|rejected|retrain failed/,
    );
    expect(first.signal, first.stderr).toBe("SIGKILL");

    // The events of the versioned folder (written before the stderr line, so a SIGKILL cannot lose them).
    const events = readFileSync(join(versions, "events.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; at: number; version?: number });
    const started = events.find((e) => e.kind === "retrain-started");
    const swapped = events.find((e) => e.kind === "model-swapped");
    expect(started).toBeDefined();
    expect(swapped?.version).toBe(1);
    // Both happen at a step: the close of a one-minute bar. The swap comes at a later step than the start (a
    // step never waits for the job; the next step after it finished swaps the model in before voting).
    expect((started?.at as number) % MINUTE).toBe(0);
    expect((swapped?.at as number) % MINUTE).toBe(0);
    expect(swapped?.at as number).toBeGreaterThan(started?.at as number);
    expect(first.stderr).toContain(`${new Date(swapped?.at as number).toISOString()} model v1 in use`);

    // Version 1: accepted, with its reason, trained on a worker thread (not the trading thread, id 0).
    const state = readAcceptedState(versions);
    const v1 = state.history.find((r) => r.version === 1);
    expect(v1?.accepted).toBe(true);
    expect(v1?.reason).toMatch(/^validation log-loss \d\.\d{4} ≤ current \d\.\d{4} \+ 10$/);
    expect(v1?.thread).toBeGreaterThan(0);
    expect(existsSync(join(versionFolder(versions, 1), "model.model.json"))).toBe(true);
    const written = JSON.parse(readFileSync(join(versionFolder(versions, 1), "version.json"), "utf8"));
    expect(written).toMatchObject({ version: 1, accepted: true, previous: 0 });
    // A second retrain may have been running (or have finished) when the process was killed: whichever version
    // accepted.json names is the one a restart must load.
    const latest = state.current;
    expect(latest).toBeGreaterThanOrEqual(1);

    const second = await runAegis([...session, "--strategy", `ml:${model}`, "--steps", "2"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`[ml retrain] resumed with model v${latest}, the latest accepted in ${versions}`);
    expect(second.stdout).toMatch(/resumed from the step closing at/);
    // A half-written version (a job killed mid-write) is removed on the restart, never loaded.
    expect(readdirSync(versions).filter((name) => name.startsWith(".tmp-"))).toEqual([]);
  }, 120_000);

  it("refuses two slots retraining into one folder (one model file on two symbols)", async () => {
    const model = trainInitialModel();
    const block = { every: "1d", window: "90d", dir: join(dir, "shared") };
    await loadMlSupport([`ml:${model}`], block);
    const sources = () =>
      tradeSources(
        {
          strategy: [`ml:${model}`],
          symbols: ["BTC/USDT", "ETH/USDT"],
          timeframe: "1m",
          learners: [],
          risk: undefined,
        },
        () => 10_000,
      );
    expect(sources).toThrow(`another slot already retrains into ${join(dir, "shared")}`);
  });

  it("refuses retrain keys in the strategy name together with the block, as a usage error (exit code 2)", () => {
    const block = { every: "1d", window: "90d" };
    expect(() => mlStrategyOption("ml:m.model.json?retrain=1h&window=1d", block)).toThrow(UsageError);
    expect(() => mlStrategyOption("ml:m.model.json?retrain=1h&window=1d", block)).toThrow(
      "--strategy ml:m.model.json?retrain=1h&window=1d: retraining is set twice: retrain=, window= in the strategy name and the config's trading.retrain block; keep one of them",
    );
  });
});
