import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.js";
import { type ApiServer, createApiServer } from "../server.js";
import { trainingRun } from "../testing/training-run.js";
import { listModelRuns, modelRoutes } from "./read-models.js";

describe("model panel routes", () => {
  let dir: string;
  let server: ApiServer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-models-"));
    const root = join(dir, "models");
    mkdirSync(join(root, "ml", "btc"), { recursive: true });
    mkdirSync(join(root, "ml", "btc-shuffled"), { recursive: true });
    mkdirSync(join(root, "broken"), { recursive: true });
    mkdirSync(join(root, "a", "b", "c", "too-deep"), { recursive: true });
    writeFileSync(join(root, "ml", "btc", "metrics.json"), JSON.stringify(trainingRun("BTC/USDT", false)));
    writeFileSync(join(root, "ml", "btc-shuffled", "metrics.json"), JSON.stringify(trainingRun("BTC/USDT", true)));
    writeFileSync(join(root, "broken", "metrics.json"), '{"symbol": 3}');
    writeFileSync(join(root, "a", "b", "c", "too-deep", "metrics.json"), JSON.stringify(trainingRun("X", false)));
    const ctx: ApiContext = {
      store: undefined,
      session: undefined,
      reportDirs: [],
      modelDirs: [root, join(dir, "absent")],
      dataDir: dir,
      now: () => 0,
    };
    server = createApiServer(ctx, [modelRoutes]);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists training runs two levels deep with their out-of-sample metrics; a bad metrics.json says why", async () => {
    const res = await server.app.inject({ url: "/api/models" });
    expect(res.statusCode).toBe(200);
    const runs = res.json().runs;
    expect(runs.map((r: { id: string }) => r.id)).toEqual(["0/broken", "0/ml/btc", "0/ml/btc-shuffled"]);
    expect(runs[1]).toMatchObject({
      ok: true,
      symbol: "BTC/USDT",
      features: 3,
      folds: 1,
      finalModel: true,
      permutationBaseline: false,
      outOfSample: { accuracy: 0.53, auc: 0.55 },
      topFeatures: [{ feature: "atr_ratio" }, { feature: "rsi" }],
    });
    expect(runs[2].permutationBaseline).toBe(true);
    expect(runs[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^metrics.json is not a training run's: symbol: /),
    });
  });

  it("serves one run in full by its id and answers 404 for anything it did not list", async () => {
    const one = await server.app.inject({ url: "/api/models/0/ml/btc" });
    expect(one.statusCode).toBe(200);
    expect(one.json().run.outOfSample.calibration).toHaveLength(1);
    expect(one.json().run.folds[0].metrics).toEqual({ accuracy: 0.52, auc: 0.54, logLoss: 0.69, rows: 1000 });
    for (const url of ["/api/models/0/ml/../../etc", "/api/models/0/nope", "/api/models/1/x"]) {
      expect((await server.app.inject({ url })).statusCode).toBe(404);
    }
    expect((await server.app.inject({ url: "/api/models/x/ml" })).statusCode).toBe(400);
  });

  it("a folder that does not exist holds no runs", () => {
    expect(listModelRuns([join(tmpdir(), "aegis-no-such-models-folder")])).toEqual([]);
  });
});
