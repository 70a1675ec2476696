import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type LiveClient, LiveHub, type LiveMessage, liveStream } from "./live.js";
import { type ApiServer, createApiServer } from "./server.js";
import { HOUR, type PaperFixture, paperFixture } from "./testing/paper-fixture.js";

class FakeClient implements LiveClient {
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const message = (n: number): LiveMessage => ({ type: "bar", time: n, data: { n } });

describe("LiveHub", () => {
  it("drops a client whose unsent bytes are over the bound and keeps serving the others", () => {
    const hub = new LiveHub({ maxBufferedBytes: 1_000 });
    const fast = new FakeClient();
    const slow = new FakeClient();
    hub.add(fast);
    hub.add(slow);
    hub.broadcast(message(1));
    slow.bufferedAmount = 990; // the network has not taken what was queued
    hub.broadcast(message(2));
    expect(slow.terminated).toBe(true);
    expect(hub.dropped).toBe(1);
    expect(hub.size).toBe(1);
    hub.broadcast(message(3));
    expect(fast.sent.map((s) => JSON.parse(s).time)).toEqual([1, 2, 3]);
    expect(slow.sent).toHaveLength(1);
  });

  it("reports when the first client arrives and the last leaves", () => {
    const hub = new LiveHub();
    const changes: boolean[] = [];
    hub.onActive = (active) => changes.push(active);
    const removeA = hub.add(new FakeClient());
    const removeB = hub.add(new FakeClient());
    removeA();
    removeB();
    removeB();
    expect(changes).toEqual([true, false]);
  });
});

describe("GET /api/live over a real paper session", () => {
  let fx: PaperFixture;
  let server: ApiServer;
  let url: string;
  const stream = liveStream();

  beforeAll(async () => {
    fx = await paperFixture();
    server = createApiServer(fx.ctx, [stream]);
    url = (await server.listen()).replace("http", "ws");
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fx?.close();
  });

  it("forwards bars, decisions, fills, equity and trades as JSON, and stops listening to the bus when nobody watches", async () => {
    expect(fx.session.bus.has("MARKET_DATA")).toBe(false);
    const socket = new WebSocket(`${url}/api/live`);
    const received: LiveMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on("message", (data) => {
        const m = JSON.parse(String(data)) as LiveMessage;
        received.push(m);
        if (m.type === "hello") resolve();
      });
      socket.on("error", reject);
    });
    expect(fx.session.bus.has("MARKET_DATA")).toBe(true);
    const series = fx.series[0]!;
    const until = (series.time[series.length - 1] as number) + HOUR;
    const gotTrade = new Promise<void>((resolve) => {
      socket.on("message", (data) => {
        if (JSON.parse(String(data)).type === "trade") resolve();
      });
    });
    await fx.advance(until);
    await gotTrade;
    const types = new Set(received.map((m) => m.type));
    for (const type of ["bar", "decision", "order", "fill", "step", "equity", "trade"])
      expect(types, type).toContain(type);
    const bar = received.find((m) => m.type === "bar")!;
    expect(bar.data).toMatchObject({ event: "MARKET_DATA", timeframe: "1h" });
    const equity = received.filter((m) => m.type === "equity").at(-1)!;
    expect((equity.data as { equity: number }).equity).toBeCloseTo(fx.session.portfolio.equity(), 6);
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.close();
    await closed;
    // The server sees the close after the client; wait for its side through the hub, not a timer.
    await waitUntil(() => stream.hub.size === 0);
    expect(fx.session.bus.has("MARKET_DATA")).toBe(false);
  }, 60_000);
});

/** Resolves once `condition` holds, checking on every turn of the event loop (bounded, no fixed sleep). */
async function waitUntil(condition: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition not reached");
}
