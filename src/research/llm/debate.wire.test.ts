import { afterEach, describe, expect, it } from "vitest";
import { bridgeOn } from "../../ai/llm/testing/bridge-fixture.js";
import { LlmWireServer, reply } from "../../ai/llm/testing/llm-wire-server.js";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { syntheticHourlyBars } from "../evolution/testing/synthetic-markets.js";
import { runDebate } from "./debate.js";
import { splitWindows } from "./gate-windows.js";
import { RedTeam } from "./red-team.js";
import { breakoutSpec, fadeSpec } from "./testing/proposals.js";

let server: LlmWireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("a debate through the real bridge and a scripted OpenAI-compatible server on 127.0.0.1", () => {
  it("sends the critique with the gate numbers over the wire and approves the revision", async () => {
    server = await LlmWireServer.start({ models: ["test-model"] });
    server.enqueue(reply.json({ rationale: "fade the moves", spec: fadeSpec() }));
    server.enqueue(reply.json({ rationale: "follow the breakouts", spec: breakoutSpec(2) }));
    const { bridge, recorder } = bridgeOn(server, "architect");
    const windows = splitWindows(syntheticHourlyBars({ seed: 3, bars: 6000, edge: 0.001 }));
    const transcript = await runDebate({
      bridge,
      redTeam: new RedTeam(windows, { blacklist: new Blacklist(), clock: () => 0 }),
      suggestion: { reason: "loses in trends", proposedChange: "trade breakouts" },
      clock: () => 0,
    });

    expect(transcript.outcome).toBe("approved");
    expect(transcript.rounds.map((r) => r.verdict)).toEqual(["rejected", "approved"]);
    expect(server.requests).toHaveLength(2);
    const sharpe = transcript.rounds[0]!.selection!.inSample.sharpe!;
    const revision = server.requests[1]!.messages.find((m) => m.role === "user")!.content;
    expect(revision).toContain(`in-sample Sharpe: ${sharpe.toPrecision(3)} (needs > 0.5)`);
    expect(server.requests[0]!.messages[0]!.content).toContain("never code");
    expect(recorder.exchanges.map((e) => [e.role, e.error])).toEqual([
      ["architect", undefined],
      ["architect", undefined],
    ]);
  }, 60_000);
});
