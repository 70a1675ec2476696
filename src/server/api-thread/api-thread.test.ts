import { existsSync, readdirSync } from "node:fs";
import { getPriority } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startApiSession } from "../../cli/testing/api-session.js";
import type { EngineEvents } from "../../engine/events.js";
import { sessionStatus } from "../../engine/trading/session-status.js";
import { LIVE_PROTOCOL } from "../live.js";

type Session = Awaited<ReturnType<typeof startApiSession<true>>>;

/** A WebSocket on the live stream that keeps every message; `next(type)` waits for the next one of that type. */
function liveClient(url: string) {
  const socket = new WebSocket(`${url.replace("http", "ws")}/api/live`, [LIVE_PROTOCOL]);
  const seen: { type: string; data: unknown }[] = [];
  const waiting: { type: string; resolve: (m: { type: string; data: unknown }) => void }[] = [];
  socket.on("message", (raw) => {
    const message = JSON.parse(String(raw)) as { type: string; data: unknown };
    seen.push(message);
    for (const w of waiting.filter((w) => w.type === message.type)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(message);
    }
  });
  return {
    seen,
    next: (type: string) => new Promise<{ type: string; data: unknown }>((resolve) => waiting.push({ type, resolve })),
    close: () => socket.close(),
  };
}

describe.each(["process", "thread"] as const)("aegis trade's API in its own worker %s", (isolation) => {
  let t: Session;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.api.url}${path}`, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string>, method = "POST") =>
    fetch(`${t.api.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const auth = () => ({ authorization: `Bearer ${t.token}` });

  beforeAll(async () => {
    t = await startApiSession({ apiThread: true, statusEveryMs: 0, config: { api: { isolation } } });
    await t.advanceTo(200);
    await t.api.thread.settled();
    // Starting a worker from the TypeScript sources takes seconds on a loaded machine (10 s was not always enough).
  }, 60_000);
  afterAll(async () => t?.close(), 60_000);

  it("answers status, portfolio and decisions from the worker, as the trading thread sees them", async () => {
    const status = (await (await get("/api/status")).json()) as { mode: string; steps: number; openOrders: number };
    const here = sessionStatus(t.session, t.clock.now());
    expect(status).toMatchObject({ mode: "trading", steps: here.steps, openOrders: here.openOrders });
    const portfolio = await get("/api/portfolio");
    expect(portfolio.status).toBe(200);
    const decisions = (await (await get("/api/decisions?limit=5")).json()) as { decisions: { id: number }[] };
    const stored = await t.store.db.selectFrom("decisions").select("id").orderBy("id", "desc").limit(5).execute();
    expect(stored.length).toBe(5);
    expect(decisions.decisions.map((d) => d.id)).toEqual(stored.map((r) => r.id));
  });

  it("streams bars, steps and equity over the WebSocket, forwarded only while a client listens", async () => {
    const live = liveClient(t.api.url);
    try {
      await live.next("hello");
      // The worker asked for the events before it said hello; once it answers a ping, the trading thread forwards.
      await t.api.thread.settled();
      const bar = live.next("bar");
      const equity = live.next("equity");
      await t.advanceTo(210);
      await t.api.thread.settled();
      expect(((await bar).data as { event: string }).event).toBe("MARKET_DATA");
      expect((await equity).data).toMatchObject({ equity: sessionStatus(t.session, t.clock.now()).equity });
    } finally {
      live.close();
    }
  });

  it("serves the chart's candles from the trading thread's bars, sending only new ones", async () => {
    const symbol = t.series[0]?.symbol as string;
    const first = (await (await get(`/api/candles/${encodeURIComponent(symbol)}?limit=5`)).json()) as {
      candles: { time: number; close: number }[];
    };
    const held = t.session.engine.slots[0]?.series();
    expect(first.candles.at(-1)?.time).toBe(held?.time[(held?.length ?? 0) - 1]);
    await t.advanceTo(220);
    // The worker asks for new bars once a newer step's status has reached it.
    await t.api.thread.settled();
    const again = (await (await get(`/api/candles/${encodeURIComponent(symbol)}?limit=5`)).json()) as typeof first;
    const now = t.session.engine.slots[0]?.series();
    expect(again.candles.map((c) => c.close)).toEqual(Array.from(now?.close.subarray(-5) ?? []));
  });

  it("serves /metrics with the trading thread's counters and the worker's API latency, each family once", async () => {
    await get("/api/ready");
    const text = await (await get("/metrics")).text();
    expect(text).toMatch(/^aegis_orders_total\{side="buy"\} [1-9]\d*$/m);
    expect(text).toMatch(/^aegis_decision_latency_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(
      /^aegis_api_request_duration_seconds_count\{code="200",method="GET",route="\/api\/ready"\} 1$/m,
    );
    expect(text.match(/^# TYPE aegis_api_request_duration_seconds /gm)).toHaveLength(1);
    const ready = (await (await get("/api/ready")).json()) as { components: { name: string }[] };
    expect(ready.components.map((c) => c.name)).toContain("venue");
  });

  it("refuses a control without the token, runs it on the trading thread with it, and keeps its error codes", async () => {
    expect((await post("/api/control/pause", { by: "mallory" }, {})).status).toBe(401);
    expect(
      (await post("/api/control/pause", { by: "mallory" }, { authorization: `Bearer ${"b".repeat(64)}` })).status,
    ).toBe(401);
    expect(t.session.paused).toBeUndefined();
    const paused = await post("/api/control/pause", { by: "alice", reason: "news" }, auth());
    expect(paused.status).toBe(200);
    expect(t.session.paused).toEqual({ by: "alice", reason: "news" });
    await post("/api/control/resume", { by: "alice" }, auth());
    expect(t.session.paused).toBeUndefined();
    const bad = await post(
      "/api/config",
      { path: "risk.limits.openTrades.max", value: -3, by: "alice" },
      auth(),
      "PUT",
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe("risk.limits.openTrades.max");
    const stop = await post("/api/control/stop", { by: "bob", reason: "test", flatten: true }, auth());
    expect(stop.status).toBe(200);
    expect(t.stops).toMatchObject([{ by: "bob", flatten: true }]);
  });

  it.skipIf(process.platform !== "linux")(
    "runs the API 10 nice steps below the trading thread, which keeps its priority",
    () => {
      const tid = t.api.thread.tid as number;
      expect(tid).toBeGreaterThan(0);
      expect(tid).not.toBe(process.pid);
      expect(getPriority(tid)).toBe(Math.min(19, getPriority() + 10));
      if (isolation === "thread") {
        expect(existsSync(`/proc/${process.pid}/task/${tid}`)).toBe(true);
        return;
      }
      // A process of its own, every thread of it lowered: V8's GC helpers too, which Node starts before any script.
      const tasks = readdirSync(`/proc/${tid}/task`).map(Number);
      expect(tasks.length).toBeGreaterThan(4);
      for (const task of tasks) expect(getPriority(task), `thread ${task}`).toBe(Math.min(19, getPriority() + 10));
    },
  );

  it("survives its worker dying: trading goes on, an alert says so, and the API answers again on the same URL", async () => {
    const alerts: EngineEvents["ALERT"][] = [];
    const off = t.session.bus.on("ALERT", (a) => alerts.push(a));
    try {
      const url = t.api.url;
      await t.api.thread.kill();
      await t.advanceTo(230);
      await t.api.thread.restarted(1);
      expect(t.api.thread.url).toBe(url);
      expect(alerts.map((a) => a.message)).toEqual([expect.stringMatching(/API worker stopped.*restarts on port/)]);
      expect(t.logLines.join("")).toMatch(/api worker restarted/);
      await t.api.thread.settled();
      const status = (await (await get("/api/status")).json()) as { steps: number };
      expect(status.steps).toBe(sessionStatus(t.session, t.clock.now()).steps);
    } finally {
      off();
    }
  });
});
