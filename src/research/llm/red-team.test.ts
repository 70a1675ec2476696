import { describe, expect, it } from "vitest";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { syntheticHourlyBars } from "../evolution/testing/synthetic-markets.js";
import { splitWindows } from "./gate-windows.js";
import { RedTeam } from "./red-team.js";
import { fadeSpec } from "./testing/proposals.js";

describe("the red team", () => {
  const windows = splitWindows(syntheticHourlyBars({ seed: 3, bars: 6000, edge: 0.001 }));

  it("refuses a blacklisted spec, even renamed, without running it", () => {
    const blacklist = new Blacklist();
    const redTeam = new RedTeam(windows, { blacklist, clock: () => 42 });
    const first = redTeam.judge(fadeSpec("fade"), "first");
    expect(first.stage).toBe("selection");
    expect(redTeam.trials).toBe(1);
    const again = redTeam.judge(fadeSpec("fade-renamed"), "again");
    expect(again.stage).toBe("blacklisted");
    expect(again.reasons[0]).toMatch(/^already blacklisted: in-sample Sharpe: -\d/);
    expect(redTeam.trials).toBe(1);
  }, 30_000);

  it("cuts the windows so that selection and holdout never overlap, and refuses too little data", () => {
    expect(windows.searchEnd).toBe(4800);
    expect(windows.holdoutEnd).toBe(6000);
    expect(windows.periodsPerYear).toBe(8760);
    const cut = splitWindows(syntheticHourlyBars({ seed: 3, bars: 6000, edge: 0 }), {
      cut: Date.UTC(2024, 0, 1) + 5000 * 3_600_000,
    });
    expect([cut.searchEnd, cut.holdoutEnd, cut.series.length]).toEqual([4000, 5000, 5000]);
    expect(() => splitWindows(syntheticHourlyBars({ seed: 1, bars: 900, edge: 0 }))).toThrow(
      /only 720 bars before the holdout; the gates need at least 1000/,
    );
  });
});
