import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { loadCsv } from "../../data/csv/load-csv.js";
import { atr } from "../../indicators/atr.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { syntheticHourlyBars } from "../evolution/testing/synthetic-markets.js";
import type { DebateTranscript } from "./debate-types.js";
import { type GateWindows, splitWindows } from "./gate-windows.js";
import { currentVolatility, runHypotheses } from "./hypothesis.js";
import { RedTeam } from "./red-team.js";
import { BTC_IDEAS } from "./testing/btc-ideas.js";
import { ScriptedBridge } from "./testing/scripted-bridge.js";

const NOW = Date.UTC(2026, 0, 1);
const breakoutIdea = {
  name: "channel-breakout",
  thesis: "breakouts of the 20-bar channel persist",
  indicators: { dc: { type: "donchian", period: 20 } },
  entry: { long: { gt: ["close", { ref: "dc.upper", ago: 1 }] } },
  stopAtr: 1.5,
  targetAtr: 3,
};
const fadeIdea = {
  name: "rsi-fade",
  thesis: "crazy: buy every oversold bounce",
  indicators: { rsi: { type: "rsi", period: 14 } },
  entry: { long: { crossAbove: ["rsi", 30] } },
  exit: { long: { gt: ["rsi", 70] } },
  stopAtr: 1.5,
  targetAtr: 3,
};

describe("the hypothesis generator (synthetic bars with a planted breakout edge)", () => {
  let windows: GateWindows;
  beforeAll(() => {
    windows = splitWindows(syntheticHourlyBars({ seed: 3, bars: 6000, edge: 0.0015 }));
  });

  it("sets stops and targets from the ATR of the last search bar, never of the holdout", () => {
    const v = currentVolatility(windows);
    const { series, searchEnd } = windows;
    const expected = atr(series.high, series.low, series.close, 14)[searchEnd - 1] as number;
    expect(v.atr).toBeCloseTo(expected, 10);
    expect(v.atrPct).toBeCloseTo(expected / (series.close[searchEnd - 1] as number), 12);
    expect(v.asOf).toBe(series.time[searchEnd - 1]);
  });

  it("sends every idea through the same gates: the losing one is blacklisted, the surviving one enters the lifecycle", async () => {
    const blacklist = new Blacklist();
    const entered: string[] = [];
    const saved: DebateTranscript[] = [];
    const bridge = new ScriptedBridge({ hypothesis: [JSON.stringify({ ideas: [fadeIdea, breakoutIdea] })] });
    const run = await runHypotheses({
      bridge,
      redTeam: new RedTeam(windows, { blacklist, clock: () => NOW }),
      count: 2,
      lifecycle: {
        async enter({ hash }) {
          entered.push(hash);
          return { id: hash, status: "validated" };
        },
      },
      sink: {
        async save(t) {
          saved.push(t);
          return saved.length;
        },
      },
      clock: () => NOW,
    });
    const pct = (multiple: number) => Math.round(multiple * run.volatility.atrPct * 100 * 100) / 100;
    expect(bridge.requests[0]!.user).toContain(
      `current ATR(14) = ${(run.volatility.atrPct * 100).toFixed(3)} % of price`,
    );
    const [fade, breakout] = run.transcripts.map((t) => t.rounds[0]!);
    expect(fade!.spec!.exits).toEqual({ stopLossPct: pct(1.5), takeProfitPct: pct(3) });
    expect(breakout!.spec!.exits).toEqual({ stopLossPct: pct(1.5), takeProfitPct: pct(3) });
    expect(fade!.stage).toBe("selection");
    expect(fade!.verdict).toBe("rejected");
    expect(blacklist.has(fade!.specHash!)).toBe(true);
    expect(breakout!.stage).toBe("holdout");
    expect(breakout!.verdict).toBe("approved");
    expect(breakout!.holdout!.gates.every((g) => g.passed)).toBe(true);
    expect(entered).toEqual([breakout!.specHash]);
    expect(saved.map((t) => [t.kind, t.outcome])).toEqual([
      ["hypothesis", "failed"],
      ["hypothesis", "approved"],
    ]);
  }, 60_000);

  it("revises a rejected idea with the gates' numbers, up to --rounds, and stores every round in the transcript", async () => {
    const saved: DebateTranscript[] = [];
    const bridge = new ScriptedBridge({
      hypothesis: [JSON.stringify({ ideas: [fadeIdea] }), JSON.stringify({ ideas: [breakoutIdea] })],
    });
    const run = await runHypotheses({
      bridge,
      redTeam: new RedTeam(windows, { blacklist: new Blacklist(), clock: () => NOW }),
      count: 1,
      rounds: 3,
      sink: {
        async save(t) {
          saved.push(t);
          return saved.length;
        },
      },
      clock: () => NOW,
    });
    const [transcript] = run.transcripts;
    expect(transcript?.maxRounds).toBe(3);
    expect(transcript?.rounds.map((r) => [r.round, r.stage, r.verdict])).toEqual([
      [1, "selection", "rejected"],
      [2, "holdout", "approved"],
    ]);
    // The revision request carries the rejected idea and the red team's numbers.
    const revision = bridge.requests[1]?.user ?? "";
    expect(revision).toContain(`your idea: ${JSON.stringify(fadeIdea)}`);
    expect(revision).toContain("REJECTED (round 1, selection):");
    expect(revision).toMatch(/walk-forward Sharpe -?\d/);
    expect(transcript?.rounds[0]?.critique).toContain("REJECTED (round 1, selection):");
    expect(transcript?.stoppedBecause).toBe("revision 1 passed every gate");
    expect(transcript?.blacklisted).toEqual([transcript?.rounds[0]?.specHash]);
    expect(saved).toEqual(run.transcripts);
  }, 60_000);

  it("blacklists an idea that does not parse as a spec by the hash of its text, and never judges it again", async () => {
    const blacklist = new Blacklist();
    const redTeam = new RedTeam(windows, { blacklist, clock: () => NOW });
    const junk = { ...fadeIdea, name: "junk", entry: { crossAbove: ["nonsense"] } };
    const bridge = () => new ScriptedBridge({ hypothesis: [JSON.stringify({ ideas: [junk] })] });
    const first = await runHypotheses({ bridge: bridge(), redTeam, count: 1, clock: () => NOW });
    const round = first.transcripts[0]?.rounds[0];
    expect(round?.stage).toBe("invalid");
    expect(round?.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(blacklist.has(round?.specHash as string)).toBe(true);
    expect(first.transcripts[0]?.blacklisted).toEqual([round?.specHash]);
    const again = await runHypotheses({ bridge: bridge(), redTeam, count: 1, clock: () => NOW });
    expect(again.transcripts[0]?.rounds[0]).toMatchObject({ stage: "blacklisted", specHash: round?.specHash });
    expect(again.transcripts[0]?.rounds[0]?.reasons[0]).toMatch(/^already blacklisted: /);
    expect(redTeam.trials).toBe(0);
  });

  it("gives no ideas, with the reason, when the answer is junk or the role is off", async () => {
    const redTeam = new RedTeam(windows, { blacklist: new Blacklist(), clock: () => NOW });
    const junk = await runHypotheses({
      bridge: new ScriptedBridge({ hypothesis: ['{"ideas": "buy the dip!!!"}'] }),
      redTeam,
      clock: () => NOW,
    });
    expect(junk.transcripts).toEqual([]);
    expect(junk.failure).toMatch(/^no ideas \(invalid\): hypothesis: answer does not match strategy_ideas: ideas/);
    const off = await runHypotheses({ bridge: new ScriptedBridge({}), redTeam, clock: () => NOW });
    expect(off.failure).toBe("no ideas (off): hypothesis: no model configured");
    expect(redTeam.trials).toBe(0);
  });
});

const btcFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);

describe.skipIf(!sharedDataPresent(btcFile))(`hypothesis ideas on real BTC/USDT 1h (${btcFile})`, () => {
  it("judges three scripted ideas with 0.1 % fees, selecting on the search bars only, and prints the numbers", async () => {
    const series = (await loadCsv(btcFile)).series;
    const windows = splitWindows(series);
    const blacklist = new Blacklist();
    const run = await runHypotheses({
      bridge: new ScriptedBridge({ hypothesis: [JSON.stringify(BTC_IDEAS)] }),
      redTeam: new RedTeam(windows, { blacklist, clock: () => NOW, fee: 0.001 }),
      clock: () => NOW,
    });
    expect(run.transcripts).toHaveLength(3);
    const lines = [
      `ATR(14) at ${new Date(run.volatility.asOf).toISOString()}: ${(run.volatility.atrPct * 100).toFixed(3)} %`,
    ];
    for (const t of run.transcripts) {
      const r = t.rounds[0]!;
      expect(t.fee).toBe(0.001);
      expect(r.selection!.bars).toEqual([0, windows.searchEnd]);
      // A spec that failed selection never touched the holdout; one that passed did, exactly once.
      expect(r.holdout === undefined).toBe(r.stage === "selection");
      if (r.verdict === "rejected") expect(blacklist.has(r.specHash!)).toBe(true);
      const gates = [...r.selection!.gates, ...(r.holdout?.gates ?? [])];
      lines.push(
        `${r.spec!.name} (stop ${r.spec!.exits.stopLossPct} %, target ${r.spec!.exits.takeProfitPct} %): ${r.verdict} at ${r.stage}; ${gates.map((g) => `${g.gate} ${g.value === null ? "n/a" : g.value.toFixed(3)}`).join(", ")}`,
      );
    }
    console.log(lines.join("\n"));
  }, 120_000);
});
