import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatZodIssues } from "../../domain/zod-issues.js";
import { MemoryStateStore } from "../state-store.js";
import { contextConfigSchema, createContextLayers, loadContextLayers } from "./config.js";
import { testContext, testOrder } from "./testing.js";

const H = 3_600_000;
const T = Date.UTC(2024, 0, 1);
const dir = mkdtempSync(join(tmpdir(), "aegis-context-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("contextConfigSchema", () => {
  it("has the issue's defaults and every layer enabled", () => {
    const config = contextConfigSchema.parse({});
    expect(config.macro).toEqual({
      enabled: true,
      files: {},
      timestamps: "period-start",
      dropPct: 1,
      windowMinutes: 60,
      scale: 0.5,
    });
    expect(config.whale).toMatchObject({
      enabled: true,
      thresholdBtc: 1000,
      scale: 0.7,
      stopFactor: 0.75,
      expiryHours: 24,
    });
    expect(config.sentiment).toMatchObject({ enabled: true, mode: "contrarian", shape: "linear", min: 0.5, max: 1.5 });
  });

  it("rejects unknown keys and impossible values, naming them", () => {
    const result = contextConfigSchema.safeParse({
      macro: { dropPercent: 2 },
      whale: { scale: 1.5 },
      sentiment: { min: 1.2, max: 1.1 },
    });
    expect(result.success).toBe(false);
    const text = result.success ? "" : formatZodIssues(result.error);
    expect(text).toContain("unknown key macro.dropPercent");
    expect(text).toContain("whale.scale");
    expect(text).toContain("sentiment.min: sentiment min must be <= max");
  });
});

describe("createContextLayers", () => {
  it("builds neutral layers that say no file is configured", () => {
    const { layers } = createContextLayers(contextConfigSchema.parse({}), { store: new MemoryStateStore() });
    expect(layers.map((l) => l.name)).toEqual(["macro-risk", "sentiment", "whale-inflow"]);
    const order = testOrder(T);
    expect(layers.map((l) => l.check(order, testContext(order)).reason)).toEqual([
      "no macro data (no index files configured in context.macro.files) → neutral ×1",
      "no sentiment data (no fear-and-greed file configured in context.sentiment.file) → neutral ×1",
      "no whale data (no inflow file configured in context.whale.file) → neutral ×1",
    ]);
  });

  it("leaves out a disabled layer", () => {
    const config = contextConfigSchema.parse({ whale: { enabled: false }, sentiment: { enabled: false } });
    const built = createContextLayers(config, { store: new MemoryStateStore() });
    expect(built.layers.map((l) => l.name)).toEqual(["macro-risk"]);
    expect(built.whale).toBeUndefined();
  });

  it("refuses a configured file whose series was not loaded", () => {
    const config = contextConfigSchema.parse({ whale: { file: "inflow.csv" } });
    expect(() => createContextLayers(config, { store: new MemoryStateStore() })).toThrow(
      "context.whale.file is configured but its series was not loaded",
    );
  });
});

describe("loadContextLayers", () => {
  it("reads the configured files relative to baseDir with each layer's timestamp meaning", async () => {
    writeFileSync(
      join(dir, "spy.csv"),
      `timestamp,open,high,low,close,volume\n${T},1,1,1,500,1\n${T + H},1,1,1,490,1\n`,
    );
    writeFileSync(join(dir, "inflow.csv"), `timestamp,inflow\n${T},1200\n${T + H},10\n`);
    writeFileSync(join(dir, "fg.csv"), `date,value\n2024-01-01,10\n2024-01-02,90\n`);
    const config = contextConfigSchema.parse({
      macro: { files: { SPY: "spy.csv" } },
      whale: { file: "inflow.csv" },
      sentiment: { file: join(dir, "fg.csv") },
    });
    const built = await loadContextLayers(config, { store: new MemoryStateStore(), baseDir: dir });
    // The 490 close belongs to the bar opening at 01:00: known at 02:00, so a decision at 02:00 sees it.
    const order = testOrder(T + H);
    const reasons = built.layers.map((l) => l.check(order, testContext(order)));
    expect(reasons.map((r) => r.scale ?? 1)).toEqual([0.5, 1.4, 0.7]);
    expect(reasons[0]?.reason).toMatch(/^SPY -2\.00 % in 1h at 2024-01-01 02:00/);
    expect(built.whale?.stopTightening(T + H, { periodsPerYear: 8760 })).toBe(0.75);
  });

  it("names a file that fails validation", async () => {
    writeFileSync(join(dir, "bad-fg.csv"), `timestamp,value\n${T},10\n${T + H},101\n`);
    const config = contextConfigSchema.parse({ sentiment: { file: "bad-fg.csv" } });
    await expect(loadContextLayers(config, { store: new MemoryStateStore(), baseDir: dir })).rejects.toThrow(
      /bad-fg.csv line 3: value 101: the index runs from 0 to 100/,
    );
  });
});
