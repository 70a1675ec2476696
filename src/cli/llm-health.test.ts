import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatLlmBridge } from "../ai/llm/chat-llm-bridge.js";
import { bridgeOn } from "../ai/llm/testing/bridge-fixture.js";
import { LlmWireServer, reply } from "../ai/llm/testing/llm-wire-server.js";
import { EventBus } from "../engine/events.js";
import { ReadinessRegistry } from "../server/readiness.js";
import { llmHealthAlert, llmReadinessChecks } from "./llm-health.js";

let server: LlmWireServer;
afterEach(async () => {
  await server?.close();
});

describe("LLM health in readiness and alerts", () => {
  it("adds no readiness check when every role is off", () => {
    expect(llmReadinessChecks(new ChatLlmBridge({ roles: new Map() }))).toEqual([]);
  });

  it("shows a failing role in /api/ready and raises one ALERT down and one on recovery", async () => {
    server = await LlmWireServer.start();
    const bus = new EventBus();
    const alerts: { kind?: string; message: string }[] = [];
    bus.on("ALERT", (a) => alerts.push(a));
    const { bridge, clock } = bridgeOn(
      server,
      "advisor",
      { maxRetries: 0 },
      { onHealthChange: (role, change) => bus.publish("ALERT", llmHealthAlert(role, change)) },
    );
    const registry = new ReadinessRegistry();
    for (const check of llmReadinessChecks(bridge)) registry.register(check);
    const ask = () =>
      bridge.ask({ role: "advisor", system: "s", user: "u", schema: z.object({}), schemaName: "x", asOf: 0 });
    expect((await registry.report()).ready).toBe(true);
    server.enqueue(reply.status(500), reply.status(500));
    await ask();
    await ask();
    clock.now += 60_000;
    await ask();
    const report = await registry.report();
    expect(report.ready).toBe(false);
    expect(report.components[0]).toMatchObject({ name: "llm advisor", kind: "ai", ok: false });
    expect(report.components[0]?.detail).toContain("is failing: advisor: HTTP 500");
    clock.now += 60_000;
    server.enqueue(reply.json({}));
    await ask();
    expect((await registry.report()).ready).toBe(true);
    expect(alerts.map((a) => a.kind)).toEqual(["llm-down", "llm-recovered"]);
    expect(alerts[0]?.message).toMatch(/^LLM advisor is down, trading goes on without it: advisor: HTTP 500/);
  });
});
