import { describe, expect, it } from "vitest";
import { formatZodIssues } from "../../domain/zod-issues.js";
import { riskConfigSchema } from "../config.js";
import { MemoryStateStore } from "../state-store.js";
import { createLimitLayers, limitsSchema } from "./config.js";

describe("limit config", () => {
  it("fills every default from an empty section", () => {
    const c = riskConfigSchema.parse({});
    expect(c.limits).toEqual({
      positionSize: { enabled: true, maxPct: 10 },
      exposure: { enabled: true, maxPct: 30 },
      correlation: { enabled: true, threshold: 0.8, windowBars: 168, maxPct: 15 },
      dailyLoss: { enabled: true, maxPct: 2 },
      tradesPerDay: { enabled: true, max: 10 },
      openTrades: { enabled: true, max: 3 },
      confidence: { enabled: true, min: 0.7 },
      leverage: { enabled: true, max: 10 },
      exchangeConstraints: { enabled: true },
      orderRate: { enabled: true, maxPerMinute: 60 },
      marginRatio: { enabled: true, max: 0.8 },
    });
    expect(c.killSwitch).toEqual({
      rollingDrop: { enabled: true, pct: 3, windowMinutes: 60 },
      maxDrawdown: { enabled: true, pct: 25 },
    });
    expect(c.stabilityLock).toEqual({ enabled: true, minHours: 12 });
  });

  it("keeps the other defaults of a section when one key is given", () => {
    const c = riskConfigSchema.parse({ limits: { positionSize: { maxPct: 5 } } });
    expect(c.limits.positionSize).toEqual({ enabled: true, maxPct: 5 });
    expect(c.limits.exposure.maxPct).toBe(30);
  });

  it("rejects unknown keys and out-of-range values, naming each path", () => {
    const r = riskConfigSchema.safeParse({
      limits: { positionSize: { maxPcent: 5 }, confidence: { min: 1.5 } },
      killSwitch: { rollingDrop: { pct: -1 } },
    });
    expect(r.success).toBe(false);
    const text = formatZodIssues((r as { error: Parameters<typeof formatZodIssues>[0] }).error);
    expect(text).toContain("unknown key limits.positionSize.maxPcent");
    expect(text).toContain("limits.confidence.min");
    expect(text).toContain("killSwitch.rollingDrop.pct");
  });

  it("builds every layer in order", () => {
    const layers = createLimitLayers(limitsSchema.parse({}), new MemoryStateStore());
    expect(layers.map((l) => l.name)).toEqual([
      "max-leverage",
      "min-confidence",
      "exchange-constraints",
      "max-daily-loss",
      "max-trades-per-day",
      "max-open-trades",
      "max-order-rate",
      "max-position-size",
      "max-exposure",
      "max-correlated-exposure",
      "max-margin-ratio",
    ]);
    expect(layers.every((l) => l.phase === (l.name === "exchange-constraints" ? "final" : "limit"))).toBe(true);
  });

  it("leaves out a layer switched off", () => {
    const config = limitsSchema.parse({ confidence: { enabled: false }, orderRate: { enabled: false } });
    const names = createLimitLayers(config, new MemoryStateStore()).map((l) => l.name);
    expect(names).not.toContain("min-confidence");
    expect(names).not.toContain("max-order-rate");
    expect(names).toHaveLength(9);
  });
});
