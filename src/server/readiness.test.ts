import { describe, expect, it } from "vitest";
import { ReadinessRegistry } from "./readiness.js";

describe("ReadinessRegistry", () => {
  it("is ready only when every component is ok; a throwing or hung check is not ok and says why", async () => {
    const r = new ReadinessRegistry({ timeoutMs: 20 });
    r.register({ name: "store", kind: "store", check: () => ({ ok: true, detail: "sqlite" }) });
    const remove = r.register({ name: "slack", kind: "alerts", check: async () => ({ ok: false, detail: "429" }) });
    r.register({
      name: "model",
      kind: "ai",
      check: () => {
        throw new Error("weights missing");
      },
    });
    r.register({ name: "venue", kind: "venue", check: () => new Promise(() => {}) });
    const report = await r.report();
    expect(report.ready).toBe(false);
    expect(report.components).toEqual([
      { name: "store", kind: "store", ok: true, detail: "sqlite" },
      { name: "slack", kind: "alerts", ok: false, detail: "429" },
      { name: "model", kind: "ai", ok: false, detail: "check failed: weights missing" },
      { name: "venue", kind: "venue", ok: false, detail: "no answer within 20 ms" },
    ]);
    remove();
    expect(r.names).toEqual(["store", "model", "venue"]);
  });
});
