import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { simulateMarket } from "../../data/simulated/index.js";
import { openStore } from "../../store/open-store.js";
import { jsonFileSink, storeSink, toRecord, UNRANKED_FITNESS } from "./evolution-sink.js";
import { evolve } from "./evolver.js";
import { defaultFitnessPlan } from "./fitness.js";
import { localEvaluator } from "./local-evaluator.js";
import { prepareScreening } from "./screening/screen.js";

const { series } = simulateMarket({ seed: 4, bars: 2000 });
const search = () =>
  evolve({
    evaluator: localEvaluator(
      prepareScreening(series),
      defaultFitnessPlan(series.length, { cash: 10_000, fee: 0.001 }),
    ),
    seed: 2,
    generations: 2,
    population: 10,
    elitism: 2,
  });

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "aegis-evolve-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("evolved strategy records", () => {
  it("store every evolved strategy with genes, generation, fitness, spec hash and parents", async () => {
    const result = await search();
    const store = await openStore(":memory:");
    try {
      await storeSink(store, () => 1_700_000_000_000).record(result.candidates.map((c) => toRecord(c, "SIM")));
      const rows = await store.learning.evolvedStrategies();
      expect(rows).toHaveLength(result.candidates.length);
      const child = result.candidates.find((c) => c.generation === 1)!;
      const row = rows.find((r) => (r.genes as { hash: string }).hash === child.hash)!;
      expect(row.generation).toBe(1);
      expect(row.fitness).toBe(child.fitness.fitness ?? UNRANKED_FITNESS);
      expect(row.genes).toMatchObject({ genome: child.genome, parents: child.parents, symbol: "SIM" });
      const strategy = await store.strategies.get(child.hash);
      expect(strategy).toMatchObject({ source: "evolver", status: "generated" });
    } finally {
      await store.close();
    }
  });

  it("go to a JSON file when there is no store", async () => {
    const result = await search();
    const path = join(tempDir(), "out", "candidates.json");
    await jsonFileSink(path).record(result.candidates.map((c) => toRecord(c, "SIM")));
    const written = JSON.parse(readFileSync(path, "utf8"));
    expect(written.map((r: { hash: string }) => r.hash)).toEqual(result.candidates.map((c) => c.hash));
  });
});

describe("blacklist file", () => {
  it("survives a save and a load, with each reason", () => {
    const path = join(tempDir(), "blacklist.json");
    const list = new Blacklist();
    list.add("a".repeat(64), { reason: "holdout Sharpe: 0.3 (needs > 1.2)", time: 5 });
    list.save(path);
    expect(Blacklist.load(path).reasons()).toEqual(new Map([["a".repeat(64), "holdout Sharpe: 0.3 (needs > 1.2)"]]));
    expect(Blacklist.load(join(tempDir(), "absent.json")).size).toBe(0);
  });

  it("refuses a damaged file with a message naming it", () => {
    const path = join(tempDir(), "blacklist.json");
    writeFileSync(path, "{ nope");
    expect(() => Blacklist.load(path)).toThrow(/blacklist .*blacklist\.json: not valid JSON/);
    writeFileSync(path, JSON.stringify({ short: { reason: "x" } }));
    expect(() => Blacklist.load(path)).toThrow(/entry "short"/);
  });
});
