import { describe, expect, it } from "vitest";
import { riskConfigSchema } from "../risk/config.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { createRiskRuntime } from "./risk-runtime.js";

const names = (config: unknown) =>
  createRiskRuntime(riskConfigSchema.parse(config), { store: new MemoryStateStore() }).shield.layers.map((l) => l.name);

describe("the risk runtime", () => {
  it("builds the default shield with the kill switch leading the limits and the portfolio limits among them", () => {
    const layers = names({});
    expect(layers[0]).toBe("sanity");
    const limits = layers.slice(layers.indexOf("kill-switch"));
    expect(limits.slice(0, 2)).toEqual(["kill-switch", "max-leverage"]);
    expect(limits).toEqual(expect.arrayContaining(["max-open-trades", "max-correlated-exposure"]));
    expect(layers.at(-1)).toBe("volatility-leverage");
  });

  it("leaves out the kill switch and the new limits when they are switched off, and everything but sanity when off", () => {
    const layers = names({
      killSwitch: { rollingDrop: { enabled: false }, maxDrawdown: { enabled: false } },
      limits: { openTrades: { enabled: false }, correlation: { enabled: false } },
    });
    expect(layers).not.toContain("kill-switch");
    expect(layers).not.toContain("max-open-trades");
    expect(layers).not.toContain("max-correlated-exposure");
    expect(names({ enabled: false })).toEqual(["sanity"]);
  });
});
