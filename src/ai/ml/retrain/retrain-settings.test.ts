import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../config/load-config.js";
import { parseRetrainSettings, retrainInputFromQuery, retrainProblems } from "./retrain-settings.js";
import { loadRetrainingMlStrategy, retrainKeysIn } from "./retraining-ml-strategy.js";

const HOUR = 3_600_000;

describe("retrain settings: one set of rules for the strategy name and the config block", () => {
  it("reads the same settings from `ml:FILE?retrain=…` and from trading.retrain", () => {
    const query = new URLSearchParams("retrain=7d&window=180d&holdout=200&tolerance=0.01&dir=v&buy=0.6");
    const fromName = parseRetrainSettings(retrainInputFromQuery(query), "name");
    const config = validateConfig({
      trading: { retrain: { every: "7d", window: "180d", holdout: 200, tolerance: 0.01, dir: "v" } },
    });
    const fromConfig = parseRetrainSettings(config.trading.retrain ?? {}, "config");
    expect(fromName).toEqual({
      everyMs: 7 * 24 * HOUR,
      windowMs: 180 * 24 * HOUR,
      holdoutBars: 200,
      tolerance: 0.01,
      dir: "v",
    });
    expect(fromConfig).toEqual(fromName);
    // Optional keys stay unset (the retrainer's defaults apply: 10 % of the window held out, tolerance 0).
    expect(parseRetrainSettings({ every: "12h", window: "90d" }, "config")).toEqual({
      everyMs: 12 * HOUR,
      windowMs: 90 * 24 * HOUR,
    });
  });

  it("names the broken field the way each place writes it", () => {
    const bad = { every: "7x", window: "90d", holdout: 3, tolerance: "much" };
    expect(retrainProblems(bad).map((p) => p.field)).toEqual(["every", "holdout", "tolerance"]);
    expect(() => parseRetrainSettings(bad, "config")).toThrow(
      'trading.retrain.every: "7x" is not a duration like 7d, 12h, 90m or 2w',
    );
    expect(() => parseRetrainSettings(bad, "name")).toThrow("ml strategy: retrain=7x is not a duration");
    expect(() => parseRetrainSettings({ every: "7d" }, "name")).toThrow(
      "ml strategy: retrain= needs window= too (the training window, e.g. 180d)",
    );
    expect(() => parseRetrainSettings({ every: "7d", window: "1d", holdout: "19" }, "name")).toThrow(
      "ml strategy: holdout=19 must be a whole number of bars ≥ 20",
    );
  });

  it("refuses a bad trading.retrain block when the config is loaded, every problem at its field", () => {
    expect(() => validateConfig({ trading: { retrain: { every: "7x", holdout: 2.5 } } })).toThrow(
      [
        '  - trading.retrain.every: "7x" is not a duration like 7d, 12h, 90m or 2w',
        "  - trading.retrain.window: missing: the training window, e.g. 180d",
        "  - trading.retrain.holdout: 2.5 must be a whole number of bars ≥ 20",
      ].join("\n"),
    );
    expect(() => validateConfig({ trading: { retrain: { every: "1d", window: "9d", evry: "x" } } })).toThrow(
      /unknown key trading.retrain.evry/,
    );
  });

  it("refuses retrain keys in the name together with the config block, naming both", () => {
    expect(retrainKeysIn("ml:m.model.json?buy=0.6&window=9d&retrain=1d")).toEqual(["retrain", "window"]);
    expect(() =>
      loadRetrainingMlStrategy("ml:m.model.json?retrain=1d&window=9d", undefined, { every: "2d", window: "9d" }),
    ).toThrow(
      "retraining is set twice: retrain=, window= in the strategy name and the config's trading.retrain block; keep one of them",
    );
  });
});
