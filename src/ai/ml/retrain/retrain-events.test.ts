import { describe, expect, it } from "vitest";
import { onRetrainEvents, publishRetrainEvent, retrainAlert } from "./retraining-ml-strategy.js";

const AT = Date.UTC(2026, 0, 8);

describe("retrain events for the session (aegis trade subscribes once it has one)", () => {
  it("reaches every subscriber until it unsubscribes", () => {
    const seen: string[] = [];
    const off = onRetrainEvents((event) => seen.push(event.kind));
    publishRetrainEvent({ kind: "retrain-started", at: AT, lastBar: AT - 3_600_000 });
    off();
    publishRetrainEvent({ kind: "retrain-failed", at: AT, error: "worker exited" });
    expect(seen).toEqual(["retrain-started"]);
  });

  it("makes an alert: a swapped-in model is news with its version, a failure a warning naming the error", () => {
    const record = { version: 3, at: new Date(AT).toISOString(), accepted: true, reason: "log-loss 0.68 ≤ 0.69" };
    expect(retrainAlert({ kind: "model-swapped", at: AT, version: 3, record })).toEqual({
      time: AT,
      level: "info",
      message: "ML retrain: 2026-01-08T00:00:00.000Z model v3 in use (log-loss 0.68 ≤ 0.69)",
      kind: "ml-model-swapped",
    });
    const failed = retrainAlert({ kind: "retrain-failed", at: AT, error: "worker exited" });
    expect(failed.level).toBe("warning");
    expect(failed.message).toContain("retrain failed, current model kept: worker exited");
    const rejected = retrainAlert({ kind: "retrain-rejected", at: AT, record: { ...record, accepted: false } });
    expect(rejected).toMatchObject({ level: "info", kind: "ml-retrain-rejected" });
    expect(rejected.message).toContain("candidate v3 rejected, current model kept");
  });
});
