import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MACRO_RISK_KEY, readMacroRisk } from "../risk/context/macro.js";
import { KILL_SWITCH_KEY, readKillSwitchLatch } from "../risk/guards/kill-switch.js";
import { startApiSession } from "./testing/api-session.js";

type Session = Awaited<ReturnType<typeof startApiSession<false>>>;

describe("aegis trade's API over a running paper session", () => {
  let t: Session;
  const auth = () => ({ authorization: `Bearer ${t.token}` });
  const post = (url: string, payload: unknown, headers: Record<string, string> = auth()) =>
    t.api.server.app.inject({ method: "POST", url, payload: payload as object, headers });

  beforeAll(async () => {
    t = await startApiSession();
    await t.advanceTo(200);
  });
  afterAll(async () => t?.close());

  it("answers health, readiness of each feed, venue and store, and Prometheus metrics fed by the session", async () => {
    const health = await t.api.server.app.inject({ url: "/api/health" });
    expect(health.json()).toMatchObject({ ok: true, live: true });
    const ready = await t.api.server.app.inject({ url: "/api/ready" });
    expect(ready.statusCode).toBe(200);
    const report = ready.json() as { ready: boolean; components: { name: string; kind: string; ok: boolean }[] };
    expect(report.components.map((c) => `${c.kind}:${c.name}:${c.ok}`)).toEqual([
      "feed:feed S0/USDT:true",
      "feed:feed S1/USDT:true",
      "venue:venue:true",
      "store:store:true",
    ]);
    const metrics = await t.api.server.app.inject({ url: "/metrics" });
    expect(metrics.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.body;
    expect(text).toMatch(/^aegis_orders_total\{side="buy"\} [1-9]\d*$/m);
    expect(text).toMatch(/^aegis_decision_latency_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^aegis_feed_lag_seconds\{symbol="S0\/USDT"\} 0$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(
      /^aegis_api_request_duration_seconds_count\{code="200",method="GET",route="\/api\/ready"\} 1$/m,
    );
  });

  it("pauses new entries and resumes them, saying who", async () => {
    const paused = await post("/api/control/pause", { by: "alice", reason: "news" });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true, message: expect.stringMatching(/paused by alice/) });
    expect(t.session.paused).toEqual({ by: "alice", reason: "news" });
    const resumed = await post("/api/control/resume", { by: "alice" });
    expect(resumed.json()).toMatchObject({ paused: false, message: expect.stringMatching(/resumed by alice/) });
    expect(t.session.paused).toBeUndefined();
  });

  it("resets the kill switch latch and clears macro risk as the CLI does, recording who", async () => {
    t.riskState.set(
      KILL_SWITCH_KEY,
      JSON.stringify({ rule: "max-drawdown", time: 1, reason: "drawdown 12 %", equity: 88, reference: 100 }),
    );
    const reset = await post("/api/control/kill-switch/reset", { by: "carol" });
    expect(reset.json()).toMatchObject({
      cleared: true,
      message: expect.stringMatching(/reset by carol \(was: drawdown 12 %\)/),
    });
    expect(readKillSwitchLatch(t.riskState)).toBeUndefined();
    t.riskState.set(
      MACRO_RISK_KEY,
      JSON.stringify({ level: "HIGH", symbol: "SPY", change: -0.02, observedAt: 5, reason: "SPY -2 %" }),
    );
    const cleared = await post("/api/control/macro-risk/clear", { by: "carol" });
    expect(cleared.json()).toMatchObject({ cleared: true });
    expect(readMacroRisk(t.riskState)).toBeUndefined();
  });

  it("approves a strategy awaiting approval and retires it through the lifecycle, each transition recorded with who and why; 404 and 409 otherwise", async () => {
    await t.store.strategies.upsert({ id: "evo-1", name: "evolved 1", source: "evolver", spec: {} }, "evolver", 1);
    const early = await post("/api/strategies/evo-1/approve", { by: "dana", reason: "looks good" });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatch(
      /evo-1 is generated; only a strategy awaiting approval or live-small can be approved/,
    );
    await t.store.strategies.transition("evo-1", "awaiting-approval", "shadow", "shadow beat live", 2);
    const approved = await post("/api/strategies/evo-1/approve", { by: "dana", reason: "looks good" });
    expect(approved.json()).toMatchObject({
      fromStatus: "awaiting-approval",
      toStatus: "live-small",
      by: "dana",
      reason: "looks good",
    });
    await post("/api/strategies/evo-1/retire", { by: "dana", reason: "decayed" });
    expect((await t.store.strategies.get("evo-1"))?.status).toBe("retired");
    expect((await t.store.strategies.transitions("evo-1")).map((x) => `${x.toStatus}:${x.by}`)).toEqual([
      "generated:evolver",
      "awaiting-approval:shadow",
      "live-small:dana",
      "retired:dana",
    ]);
    expect((await post("/api/strategies/nope/retire", { by: "dana" })).statusCode).toBe(404);
  });

  it("changes configuration through the real schema, keeps who/when/old/new, rolls back, and redacts secrets", async () => {
    const bad = await t.api.server.app.inject({
      method: "PUT",
      url: "/api/config",
      headers: auth(),
      payload: { path: "risk.limits.openTrades.max", value: -3, by: "erin" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("risk.limits.openTrades.max");
    const secret = await t.api.server.app.inject({
      method: "PUT",
      url: "/api/config",
      headers: auth(),
      payload: { path: "exchanges.binance.secret", value: "x", by: "erin" },
    });
    expect(secret.statusCode).toBe(400);
    expect(secret.json()).toMatchObject({ field: "body.path", error: expect.stringMatching(/secret/) });
    const put = (value: unknown) =>
      t.api.server.app.inject({
        method: "PUT",
        url: "/api/config",
        headers: auth(),
        payload: { path: "risk.limits.openTrades.max", value, by: "erin", reason: "fewer trades" },
      });
    const first = (await put(2)).json();
    expect(first).toMatchObject({ key: "risk.limits.openTrades.max", newValue: 2, by: "erin", reason: "fewer trades" });
    await put(4);
    const current = (await t.api.server.app.inject({ url: "/api/config" })).json();
    expect(current.config.risk.limits.openTrades.max).toBe(4);
    const rollback = await post("/api/config/rollback", { changeId: first.id + 1, by: "erin" });
    expect(rollback.json()).toMatchObject({ oldValue: 4, newValue: 2, reason: `rollback of change ${first.id + 1}` });
    const history = (await t.api.server.app.inject({ url: "/api/config/history" })).json().changes;
    expect(history.map((c: { oldValue?: unknown; newValue?: unknown }) => [c.oldValue, c.newValue])).toEqual([
      [undefined, 2],
      [2, 4],
      [4, 2],
    ]);
    expect((await t.api.server.app.inject({ url: "/api/config" })).json().config.risk.limits.openTrades.max).toBe(2);
  });

  it("never writes the token to the log", () => {
    expect(t.logLines.join("")).toMatch(/api listening/);
    expect(t.logLines.join("")).not.toContain(t.token);
  });

  it("stops as `aegis stop` does: halts, flattens, records the request and the stop, then asks the bot to exit", async () => {
    // Run until a position is open, so that the flatten has something to close.
    let i = 400;
    while (t.session.portfolio.positionQuantity("S0/USDT") === 0 && i < 590) await t.advanceTo(++i);
    expect(t.session.portfolio.positionQuantity("S0/USDT")).not.toBe(0);
    const stop = await post("/api/control/stop", { by: "frank", reason: "drill", flatten: true });
    expect(stop.statusCode).toBe(200);
    expect(stop.json().message).toMatch(/stopped by frank/);
    expect(t.session.engine.halted).toBe(true);
    expect(t.session.portfolio.positionQuantity("S0/USDT")).toBe(0);
    expect(t.session.portfolio.positionQuantity("S1/USDT")).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.stops).toEqual([{ by: "frank", reason: "drill", flatten: true }]);
    expect(await t.store.events.list({ kind: "stop.requested" })).toHaveLength(1);
    expect(await t.store.events.list({ kind: "EMERGENCY_STOP" })).toHaveLength(1);
    expect(await t.store.latches.get("control:stop:api-test")).toBeUndefined();
    expect((await post("/api/control/pause", { by: "frank" })).statusCode).toBe(409);
  });
});
