import { ChatLlmBridge, type ChatLlmBridgeOptions } from "../chat-llm-bridge.js";
import type { LlmRole } from "../llm-bridge.js";
import { type LlmRoleConfig, llmRoleConfigSchema, type ResolvedLlmRole, resolveLlmRoles } from "../llm-config.js";
import { MemoryLlmRecorder } from "../llm-recorder.js";
import type { HealthChange } from "../role-health.js";
import type { LlmWireServer } from "./llm-wire-server.js";

/** A bridge on the wire server with test time: a settable clock, recorded sleeps, a timeout the test fires. */
export function bridgeOn(
  server: LlmWireServer,
  role: LlmRole,
  config: Partial<LlmRoleConfig> = {},
  options: Partial<ChatLlmBridgeOptions> = {},
) {
  const provider = config.provider ?? "openai";
  const entry = llmRoleConfigSchema.parse({
    model: "test-model",
    endpoint: provider === "openai" ? `${server.url}/v1` : server.url,
    ...config,
  });
  const roles = resolveLlmRoles({ [role]: entry }, {});
  const clock = { now: 1_700_000_000_000 };
  const sleeps: number[] = [];
  const changes: (HealthChange & { role: LlmRole })[] = [];
  let timeout = new AbortController();
  const recorder = new MemoryLlmRecorder();
  const bridge = new ChatLlmBridge({
    roles,
    recorder,
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    timeoutSignal: () => {
      timeout = new AbortController();
      return timeout.signal;
    },
    onHealthChange: (r, change) => changes.push({ role: r, ...change }),
    ...options,
  });
  return {
    bridge,
    clock,
    sleeps,
    changes,
    recorder,
    config: roles.get(role) as ResolvedLlmRole,
    /** Fires the timeout of the request in flight. */
    fireTimeout: () => timeout.abort(),
  };
}

/** Lets the event loop run until `test` holds (the server got a request), without a timed sleep. */
export async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !test(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!test()) throw new Error("condition never held");
}
