import type { AlertsHealth } from "../notify/notifier.js";
import type { ReadinessCheck } from "../server/readiness.js";

/**
 * One readiness check per alert channel: not ok from a failed send until the next one succeeds, with the error in
 * words. A channel failing never stops trading; the readiness check is where a person sees it.
 */
export function alertReadinessChecks(health: () => AlertsHealth): ReadinessCheck[] {
  return health().channels.map(({ channel }) => ({
    name: `alerts ${channel}`,
    kind: "alerts" as const,
    check: () => {
      const h = health().channels.find((c) => c.channel === channel);
      if (!h) return { ok: false, detail: "channel no longer configured" };
      const counts = `${h.sent} sent, ${h.queued} queued, ${h.dropped} dropped`;
      return h.healthy
        ? { ok: true, detail: counts }
        : { ok: false, detail: `last send failed: ${h.lastError?.message ?? "unknown error"} (${counts})` };
    },
  }));
}
