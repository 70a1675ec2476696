import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DebateSource, DebateTranscript } from "../debate-source.js";
import { type ApiServer, createApiServer } from "../server.js";
import { HOUR, type PaperFixture, paperFixture, SESSION } from "../testing/paper-fixture.js";
import { llmRoutes } from "./read-llm.js";

describe("LLM read routes over a real paper session in SQLite", () => {
  let fx: PaperFixture;
  let server: ApiServer;
  let decisionKey: string;
  let advisorId: number;
  const t0 = Date.UTC(2024, 0, 1);

  beforeAll(async () => {
    fx = await paperFixture({ bars: 260 });
    await fx.advance((fx.series[0]!.time[250] as number) + HOUR);
    const decision = (await fx.store.decisions.range()).at(-1)!;
    decisionKey = decision.decisionKey;
    advisorId = await fx.store.llm.insert({
      time: t0 + 3 * HOUR,
      role: "advisor",
      model: "qwen2.5:7b",
      prompt: "Should we buy? <b>context</b>",
      response: '{"action":"hold","confidence":0.4}',
      latencyMs: 812,
      promptTokens: 420,
      completionTokens: 31,
      costUsd: 0.0004,
      decisionKey,
    });
    await fx.store.llm.insert({
      time: t0 + HOUR,
      role: "auditor",
      model: "qwen2.5:7b",
      prompt: "Audit the last 100 candles",
      latencyMs: 30_000,
      error: "timeout after 30000 ms",
    });
    await fx.store.llm.insert({
      time: t0 + 2 * HOUR,
      role: "advisor",
      model: "other",
      prompt: "another session's advice",
      response: "buy",
      latencyMs: 100,
      decisionKey: `other-session|sma-cross|BTC/USDT|${t0}`,
    });
    server = createApiServer(fx.ctx, [llmRoutes]);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fx?.close();
  });

  const get = (url: string) => server.app.inject({ url });

  it("lists the session's exchanges newest first with latency, tokens, cost and error, without their texts", async () => {
    const body = (await get("/api/llm/exchanges")).json();
    expect(body.exchanges.map((e: { role: string }) => e.role)).toEqual(["advisor", "auditor"]);
    const [advisor, auditor] = body.exchanges;
    expect(advisor).toMatchObject({ id: advisorId, model: "qwen2.5:7b", latencyMs: 812, promptTokens: 420 });
    expect(advisor).toMatchObject({ completionTokens: 31, costUsd: 0.0004, error: null, decisionKey });
    expect(advisor.prompt).toBeUndefined();
    expect(auditor.error).toBe("timeout after 30000 ms");
    expect(body.more).toBe(false);
  });

  it("filters by role and time and pages with `more`", async () => {
    const auditor = (await get("/api/llm/exchanges?role=auditor")).json();
    expect(auditor.exchanges.map((e: { role: string }) => e.role)).toEqual(["auditor"]);
    const late = (await get(`/api/llm/exchanges?from=${new Date(t0 + 2 * HOUR).toISOString()}`)).json();
    expect(late.exchanges.map((e: { id: number }) => e.id)).toEqual([advisorId]);
    const first = (await get("/api/llm/exchanges?limit=1")).json();
    expect(first.exchanges).toHaveLength(1);
    expect(first.more).toBe(true);
    const second = (await get("/api/llm/exchanges?limit=1&offset=1")).json();
    expect(second.exchanges[0].role).toBe("auditor");
    expect(second.more).toBe(false);
  });

  it("refuses a bad query with 400 naming the field", async () => {
    const cases: [string, string][] = [
      ["/api/llm/exchanges?limit=0", "query.limit"],
      ["/api/llm/exchanges?from=yesterday", "query.from"],
      [`/api/llm/exchanges?from=${t0 + HOUR}&to=${t0}`, "query.from"],
      ["/api/llm/exchanges?role=", "query.role"],
      ["/api/llm/exchanges?colour=red", "query.colour"],
      ["/api/llm/exchanges/abc", "params.id"],
    ];
    for (const [url, field] of cases) {
      const reply = await get(url);
      expect(reply.statusCode, url).toBe(400);
      expect(reply.json().field, url).toBe(field);
    }
  });

  it("shows one exchange's prompt and response beside the decision it influenced", async () => {
    const body = (await get(`/api/llm/exchanges/${advisorId}`)).json();
    expect(body.exchange.prompt).toBe("Should we buy? <b>context</b>");
    expect(body.exchange.response).toBe('{"action":"hold","confidence":0.4}');
    const stored = (await fx.store.decisions.range()).find((d) => d.decisionKey === decisionKey)!;
    expect(body.decision).toMatchObject({ time: stored.time, symbol: stored.symbol, outcome: stored.outcome });
    expect(body.decision.explanation).toMatch(/^At .* UTC /);
  });

  it("answers 404 for an unknown exchange and for another session's", async () => {
    expect((await get("/api/llm/exchanges/999999")).statusCode).toBe(404);
    const all = await fx.store.llm.range();
    const other = all.find((e) => e.decisionKey?.startsWith("other-session|"))!;
    expect((await get(`/api/llm/exchanges/${other.id}`)).statusCode).toBe(404);
    expect(SESSION).not.toBe("other-session");
  });

  it("says no debates are stored when the store keeps none", async () => {
    const body = (await get("/api/llm/debates")).json();
    expect(body).toMatchObject({ stored: false, debates: [] });
    expect(body.message).toContain("no debates stored");
    expect((await get("/api/llm/debates/1")).statusCode).toBe(404);
  });

  it("reads debates through the source when one is connected", async () => {
    const transcript: DebateTranscript = {
      id: 7,
      time: t0,
      topic: "tighten the stop",
      rounds: 2,
      outcome: "rejected",
      turns: [
        { round: 1, speaker: "architect", text: "spec v1" },
        { round: 1, speaker: "auditor", text: "Sharpe 0.3 < 0.5" },
      ],
    };
    const debates: DebateSource = {
      list: async ({ limit, offset }) => [transcript].slice(offset, offset + limit),
      get: async (id) => (id === 7 ? transcript : undefined),
    };
    const withDebates = createApiServer({ ...fx.ctx, debates }, [llmRoutes]);
    try {
      const list = (await withDebates.app.inject({ url: "/api/llm/debates" })).json();
      expect(list).toMatchObject({ stored: true, more: false });
      expect(list.debates).toHaveLength(1);
      const one = (await withDebates.app.inject({ url: "/api/llm/debates/7" })).json();
      expect(one.debate.turns[1].text).toBe("Sharpe 0.3 < 0.5");
      expect((await withDebates.app.inject({ url: "/api/llm/debates/8" })).statusCode).toBe(404);
    } finally {
      await withDebates.close();
    }
  });
});
