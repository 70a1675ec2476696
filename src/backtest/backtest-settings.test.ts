import { describe, expect, it } from "vitest";
import { plainSettings, resolveSettings } from "./backtest-settings.js";

describe("resolveSettings", () => {
  it("parses the slippage text into a model", () => {
    expect(resolveSettings({ cash: 1000, slippage: "5bps" }).slippageModel.description).toBe("fixed 5 bps");
    expect(resolveSettings({ cash: 1000 }).slippageModel.description).toBe("none");
  });

  it("reports every invalid setting at once, naming each", () => {
    expect(() => resolveSettings({ cash: 0, fee: 0.5, slippage: "lots", leverage: 0 })).toThrow(
      /cash must be > 0, got 0; fee must be a fraction in \[0, 0.1\), got 0.5; leverage .* got 0; slippage: invalid slippage "lots"/,
    );
  });
});

describe("plainSettings", () => {
  it("keeps only the defined plain-data fields (what a worker needs)", () => {
    const resolved = resolveSettings({ cash: 1000, fee: 0.001, slippage: "2bps" });
    expect(plainSettings(resolved)).toEqual({ cash: 1000, fee: 0.001, slippage: "2bps" });
  });
});
