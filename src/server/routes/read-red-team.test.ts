import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import type { RedTeamEntry } from "../red-team-log.js";
import { type ApiServer, createApiServer } from "../server.js";
import { HOSTILE, hash, seedEvolutionHistory, T0 } from "../testing/evolution-history.js";
import { readRouteGroups } from "./read-all.js";

describe("GET /api/red-team over a real SQLite store", () => {
  let dir: string;
  let store: Store;
  let server: ApiServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-red-team-route-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    await seedEvolutionHistory(store, join(dir, "results"));
    server = createApiServer(
      { store, session: "paper", reportDirs: [join(dir, "results")], dataDir: dir, now: () => T0 },
      readRouteGroups,
    );
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const get = async (url: string) => (await server.app.inject({ url })).json();
  const entries = async (url: string): Promise<RedTeamEntry[]> => (await get(url)).entries;

  it("logs every gate verdict, audit and debate newest first", async () => {
    const all = await entries("/api/red-team");
    expect(all.map((e) => e.kind)).toEqual([
      "audit",
      "debate",
      "gates", // debate round 1 (rejected)
      "gates", // debate round 2 (approved)
      "gates", // LLM layer: backtested
      "gates", // LLM layer: validated
      "gates", // shadow promotion
      "gates", // evolver: 5 retired
      "gates", // evolver: 4 validated
      "gates", // evolver: 4 backtested
    ]);
    for (let k = 1; k < all.length; k++) expect(all[k - 1]!.time).toBeGreaterThanOrEqual(all[k]!.time);
  });

  it("gives each verdict its gates with value, threshold and pass/fail", async () => {
    const all = await entries("/api/red-team?kind=gates");
    const validated = all.find((e) => e.strategyId === hash(4) && e.stage === "validated")!;
    expect(validated).toMatchObject({ verdict: "passed", by: "gate", blacklisted: false });
    expect(validated.gates.map((g) => g.gate)).toEqual([
      "holdout Sharpe",
      "holdout max drawdown",
      "holdout trades",
      "flash-crash stress",
      "deflated Sharpe ratio",
      "probability of backtest overfitting",
      "bootstrap vs buy-and-hold",
    ]);
    expect(validated.gates.at(-1)).toEqual({
      gate: "bootstrap vs buy-and-hold",
      passed: true,
      value: 0.012,
      threshold: "p <= 0.05",
    });
    const retired = all.find((e) => e.strategyId === hash(5))!;
    expect(retired).toMatchObject({ verdict: "failed", blacklisted: true, stage: "retired" });
    expect(retired.gates.filter((g) => !g.passed).map((g) => g.gate)).toContain("holdout trades");
    expect(retired.text).toContain(HOSTILE);
    const promoted = all.find((e) => e.stage === "awaiting-approval")!;
    expect(promoted.figures).toContainEqual({ name: "p-value", value: 0.0123 });
    const round = all.find((e) => e.strategyId === hash(6))!;
    expect(round).toMatchObject({ verdict: "failed", blacklisted: true, stage: "selection", debateId: 1 });
    expect(round.gates[0]).toMatchObject({ gate: "in-sample Sharpe", value: 0.1, passed: false, threshold: "> 0.5" });
  });

  it("reads the auditor's answer: signal, confidence, analysis and suggestion", async () => {
    const [audit] = await entries("/api/red-team?kind=audit");
    expect(audit!.audit).toMatchObject({ signal: "HOLD", confidence: 0.55, model: "qwen2.5:7b", error: null });
    expect(audit!.audit?.suggestion?.proposedChange).toBe("add an ADX filter");
    expect(audit!.text).toContain(HOSTILE);
    expect(audit!.exchangeId).toBeGreaterThan(0);
  });

  it("filters by strategy prefix and verdict", async () => {
    const four = await entries(`/api/red-team?strategy=${hash(4).slice(0, 12)}`);
    expect(four.map((e) => e.stage)).toEqual(["awaiting-approval", "validated", "backtested"]);
    const failed = await entries("/api/red-team?verdict=failed");
    expect(failed.map((e) => e.strategyId)).toEqual([hash(6), hash(5)]);
    const passed = await entries("/api/red-team?verdict=passed&kind=debate");
    expect(passed).toHaveLength(1);
    expect(passed[0]).toMatchObject({ kind: "debate", strategyId: hash(7), verdict: "passed" });
  });

  it("pages the merged log exactly, with `more`", async () => {
    const all = await entries("/api/red-team");
    const first = await get("/api/red-team?limit=4");
    const second = await get("/api/red-team?limit=4&offset=4");
    const third = await get("/api/red-team?limit=4&offset=8");
    expect([...first.entries, ...second.entries, ...third.entries]).toEqual(all);
    expect([first.more, second.more, third.more]).toEqual([true, true, false]);
  });

  it("lists blacklisted specs with their reasons, once per spec and source", async () => {
    const { blacklist } = await get("/api/red-team");
    expect(blacklist.map((b: { hash: string; source: string }) => [b.hash, b.source])).toEqual([
      [hash(6), "debate 1"],
      [hash(5), "lifecycle"],
    ]);
    expect(blacklist[1].reason).toContain("holdout trades");
  });

  it("refuses a bad query with 400 naming the field", async () => {
    const cases: [string, string][] = [
      ["/api/red-team?limit=0", "query.limit"],
      ["/api/red-team?limit=1001", "query.limit"],
      ["/api/red-team?verdict=maybe", "query.verdict"],
      ["/api/red-team?kind=rumour", "query.kind"],
      ["/api/red-team?strategy=%20", "query.strategy"],
      ["/api/red-team?colour=red", "query.colour"],
    ];
    for (const [url, field] of cases) {
      const reply = await server.app.inject({ url });
      expect(reply.statusCode, url).toBe(400);
      expect(reply.json().field, url).toBe(field);
    }
  });
});
