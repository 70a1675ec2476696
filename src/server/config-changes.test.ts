import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { applyOverrides, overridesOf, parseConfigPath, redactConfig } from "./config-changes.js";

describe("configuration changes over the API", () => {
  const base = configSchema.parse({
    exchanges: { binance: { apiKey: "KEY", secret: "SECRET" } },
    store: { url: "postgres://bob:hunter2@db:5432/aegis" },
  });

  it("applies the changes in force and validates with the real schema, naming the configuration field", () => {
    const applied = applyOverrides(configSchema, base, new Map([["backtest.cash", 500]]));
    expect(applied.backtest.cash).toBe(500);
    expect(() => applyOverrides(configSchema, base, new Map([["backtest.cash", -1]]))).toThrow(
      expect.objectContaining({ field: "backtest.cash" }),
    );
    expect(() => applyOverrides(configSchema, base, new Map([["backtest.csh", 1]]))).toThrow(
      expect.objectContaining({ field: "backtest" }),
    );
  });

  it("keeps the last value of each key from the history; a removal drops it", () => {
    const h = [
      { id: 1, key: "a", newValue: 1, by: "x", reason: "", time: 0 },
      { id: 2, key: "b", newValue: 2, by: "x", reason: "", time: 0 },
      { id: 3, key: "a", oldValue: 1, by: "x", reason: "", time: 0 },
    ];
    expect([...overridesOf(h)]).toEqual([["b", 2]]);
  });

  it("refuses paths for secrets, the store and the live gate, and paths that are not dotted names", () => {
    expect(parseConfigPath("risk.enabled")).toEqual(["risk", "enabled"]);
    for (const path of ["exchanges.binance.secret", "store.url", "dataDir", "trading.live", "a..b", "__proto__.x y"])
      expect(() => parseConfigPath(path), path).toThrow(expect.objectContaining({ field: "body.path" }));
  });

  it("redacts exchange secrets and a password in the store URL", () => {
    const shown = redactConfig(base);
    expect(shown.exchanges.binance?.apiKey).toBe("[redacted]");
    expect(shown.exchanges.binance?.secret).toBe("[redacted]");
    expect(shown.store.url).toBe("postgres://bob:[redacted]@db:5432/aegis");
    expect(JSON.stringify(shown)).not.toMatch(/SECRET|hunter2|KEY"/);
  });
});
