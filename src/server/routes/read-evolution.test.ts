import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { type ApiServer, createApiServer } from "../server.js";
import { hash, seedEvolutionHistory, T0 } from "../testing/evolution-history.js";
import { readRouteGroups } from "./read-all.js";

describe("GET /api/evolution and /api/evolution/lineage over a real SQLite store", () => {
  let dir: string;
  let store: Store;
  let server: ApiServer;
  let empty: ApiServer;
  let emptyStore: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-evolution-route-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    await seedEvolutionHistory(store, join(dir, "results"));
    const base = { session: undefined, dataDir: dir, now: () => T0 };
    server = createApiServer({ ...base, store, reportDirs: [join(dir, "results")] }, readRouteGroups);
    emptyStore = await openStore(`sqlite:${join(dir, "empty.sqlite")}`);
    empty = createApiServer({ ...base, store: emptyStore, reportDirs: [join(dir, "nothing")] }, readRouteGroups);
  });
  afterAll(async () => {
    await server?.close();
    await empty?.close();
    await store?.close();
    await emptyStore?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const get = (url: string) => server.app.inject({ url });

  it("lists strategies newest first with every transition's who/when/why and the numbers it carried", async () => {
    const body = (await get("/api/evolution")).json();
    expect(body.strategies.map((s: { id: string }) => s.id).slice(0, 2)).toEqual([hash(7), hash(4)]);
    const best = body.strategies.find((s: { id: string }) => s.id === hash(4));
    expect(best.transitions.map((t: { toStatus: string }) => t.toStatus)).toEqual([
      "generated",
      "backtested",
      "validated",
      "shadow",
      "awaiting-approval",
    ]);
    const [, backtested, validated, shadow, promoted] = best.transitions;
    expect(backtested.figures).toContainEqual({ name: "trades", value: 42 });
    expect(backtested.figures).toContainEqual({ name: "DSR", value: 0.97 });
    expect(validated.by).toBe("gate");
    expect(validated.gates).toContainEqual({ gate: "holdout Sharpe", passed: true, value: 1.42, threshold: "> 0.5" });
    expect(validated.gates).toHaveLength(7);
    expect(shadow).toMatchObject({ by: "ada", reason: "watch it beside the live strategy", gates: [], figures: [] });
    expect(promoted.figures).toContainEqual({ name: "p-value", value: 0.0123 });
    expect(body.evolvedStored).toBe(5);
  });

  it("gives evolved strategies their generation, fitness and parents, an unranked one with why", async () => {
    const body = (await get("/api/evolution?source=evolver&limit=10")).json();
    const byId = new Map(body.strategies.map((s: { id: string }) => [s.id, s]));
    expect(byId.get(hash(4))).toMatchObject({ evolved: { generation: 2, fitness: 0.91, parents: [hash(3), hash(2)] } });
    expect(byId.get(hash(2))).toMatchObject({ evolved: { generation: 0, fitness: null } });
    expect((byId.get(hash(2)) as { evolved: { fitnessReason: string } }).evolved.fitnessReason).toContain("too few");
    expect(byId.has(hash(7))).toBe(false);
  });

  it("filters by status and id prefix, and pages with `more`", async () => {
    const retired = (await get("/api/evolution?status=retired")).json();
    expect(retired.strategies.map((s: { id: string }) => s.id)).toEqual([hash(5)]);
    const prefix = (await get(`/api/evolution?strategy=${hash(3).slice(0, 10)}`)).json();
    expect(prefix.strategies.map((s: { id: string }) => s.id)).toEqual([hash(3)]);
    const first = (await get("/api/evolution?limit=2")).json();
    expect(first.strategies).toHaveLength(2);
    expect(first.more).toBe(true);
    const rest = (await get("/api/evolution?limit=1000&offset=2")).json();
    expect(rest.strategies).toHaveLength(4);
    expect(rest.more).toBe(false);
  });

  it("reads the evolution report in the report folder: fitness per generation, lineage, finalists' verdicts", async () => {
    const [report] = (await get("/api/evolution")).json().reports;
    expect(report).toMatchObject({ id: "0/evo-btc", symbol: "BTC/USDT", trials: 5, pbo: 0.18 });
    expect(report.generations.map((g: { best: number }) => g.best)).toEqual([0.3, 0.6, 0.91]);
    expect(report.finalists.map((f: { passed: boolean }) => f.passed)).toEqual([true, false]);
  });

  it("walks the parent chain of a strategy, each ancestor once, with its lifecycle status", async () => {
    const body = (await get(`/api/evolution/lineage/${hash(4)}`)).json();
    expect(body.chain.map((n: { hash: string }) => n.hash)).toEqual([hash(4), hash(3), hash(2), hash(1)]);
    expect(body.chain[0]).toMatchObject({ generation: 2, status: "awaiting-approval", from: "store" });
    expect(body.chain[3]).toMatchObject({ generation: 0, parents: [], status: "generated" });
    expect(body.truncated).toBe(false);
    const llm = (await get(`/api/evolution/lineage/${hash(7)}`)).json();
    expect(llm.chain).toEqual([expect.objectContaining({ hash: hash(7), from: "strategy", parents: [] })]);
    expect((await get("/api/evolution/lineage/nope")).statusCode).toBe(404);
  });

  it("refuses a bad query with 400 naming the field", async () => {
    const cases: [string, string][] = [
      ["/api/evolution?limit=5000", "query.limit"],
      ["/api/evolution?offset=-1", "query.offset"],
      ["/api/evolution?status=alive", "query.status"],
      ["/api/evolution?strategy=", "query.strategy"],
      ["/api/evolution?colour=red", "query.colour"],
      ["/api/evolution/lineage/%20", "params.id"],
    ];
    for (const [url, field] of cases) {
      const reply = await get(url);
      expect(reply.statusCode, url).toBe(400);
      expect(reply.json().field, url).toBe(field);
    }
  });

  it("answers an empty store with empty lists, and is documented in OpenAPI", async () => {
    const body = (await empty.app.inject({ url: "/api/evolution" })).json();
    expect(body).toMatchObject({ strategies: [], more: false, evolvedStored: 0, reports: [] });
    const doc = (await get("/api/openapi.json")).json();
    expect(doc.paths["/api/evolution"].get.parameters.map((p: { name: string }) => p.name)).toContain("strategy");
    expect(doc.paths["/api/evolution/lineage/{id}"].get).toBeDefined();
  });

  it("shows the gates and figures stored with a transition, whatever its reason says", async () => {
    await store.strategies.upsert({ id: "worded", name: "worded", source: "llm", spec: { name: "w" } }, "llm", T0);
    const numbers = {
      gates: [{ gate: "holdout Sharpe", passed: true, value: 1.234567, threshold: "> 0.5" }],
      figures: [{ name: "holdout return", value: 3.5, unit: "%" as const }],
    };
    await store.strategies.transition(
      "worded",
      "backtested",
      "llm-architect",
      "looks fine to me",
      T0 + 1,
      "generated",
      numbers,
    );
    const body = (await get("/api/evolution?limit=100")).json();
    const worded = body.strategies.find((s: { id: string }) => s.id === "worded");
    const moved = worded.transitions.at(-1);
    expect(moved).toMatchObject({ reason: "looks fine to me", ...numbers });
    expect(moved.numbers).toBeUndefined();
  });
});
