import { describe, expect, it } from "vitest";
import type { ChannelHealth } from "../notify/channel-queue.js";
import type { AlertsHealth } from "../notify/notifier.js";
import { alertReadinessChecks } from "./alert-readiness.js";

const channel = (name: string, healthy: boolean): ChannelHealth => ({
  channel: name,
  healthy,
  lastSuccess: healthy ? 1 : null,
  lastError: healthy ? null : { time: 2, message: "429 Too Many Requests" },
  queued: healthy ? 0 : 3,
  dropped: 0,
  sent: healthy ? 5 : 0,
  failures: healthy ? 0 : 1,
  retryAt: null,
});

describe("alertReadinessChecks", () => {
  it("reports each channel, a failing one as not ready with its error, read fresh on every check", async () => {
    let health: AlertsHealth = {
      enabled: true,
      channels: [channel("telegram", true), channel("slack", false)],
      repeatsSuppressed: 0,
    };
    const checks = alertReadinessChecks(() => health);
    expect(checks.map((c) => `${c.kind}:${c.name}`)).toEqual(["alerts:alerts telegram", "alerts:alerts slack"]);
    expect(await checks[0]?.check()).toEqual({ ok: true, detail: "5 sent, 0 queued, 0 dropped" });
    expect(await checks[1]?.check()).toEqual({
      ok: false,
      detail: "last send failed: 429 Too Many Requests (0 sent, 3 queued, 0 dropped)",
    });
    health = { ...health, channels: [channel("telegram", true), channel("slack", true)] };
    expect((await checks[1]?.check())?.ok).toBe(true);
  });
});
